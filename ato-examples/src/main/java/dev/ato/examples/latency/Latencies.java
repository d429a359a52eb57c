package dev.ato.examples.latency;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Times forward passes of several networks on the same batch, taking turns pass by pass, and gives
 * each one's median, lowest and highest seconds per pass. Turns make the figures of one call
 * comparable: a slow spell of a shared machine falls on every network alike.
 */
public final class Latencies {

  private Latencies() {}

  /**
   * The time of one network's pass.
   *
   * @param name the network, as {@link Forward#name()} says
   * @param batch the batch size
   * @param median median seconds per pass
   * @param min the fastest pass
   * @param max the slowest pass
   * @param passes passes timed
   */
  public record Latency(
      String name, int batch, double median, double min, double max, int passes) {}

  /**
   * Times each network's passes on one random batch of {@code inputShape}'s shape with {@code
   * batch} in front: {@code warmup} untimed turns, then turns until each network has {@code
   * minPasses} timed passes and {@code seconds} have gone by, or {@code maxPasses} are reached.
   *
   * @param inputShape one input's shape, without the batch axis
   */
  public static List<Latency> measure(
      List<? extends Forward> networks,
      long[] inputShape,
      int batch,
      int warmup,
      int minPasses,
      int maxPasses,
      double seconds) {
    checkArgument(!networks.isEmpty(), "nothing to time");
    checkArgument(
        batch >= 1 && minPasses >= 1 && maxPasses >= minPasses,
        "batch %s, passes %s to %s: the batch and the passes must be positive",
        batch,
        minPasses,
        maxPasses);
    long[] shape = new long[inputShape.length + 1];
    shape[0] = batch;
    System.arraycopy(inputShape, 0, shape, 1, inputShape.length);
    float[] input = new float[Math.toIntExact(Arrays.stream(shape).reduce(1, (a, b) -> a * b))];
    SplittableRandom random = new SplittableRandom(batch);
    for (int i = 0; i < input.length; i++) {
      input[i] = (float) random.nextGaussian();
    }
    for (int turn = 0; turn < warmup; turn++) {
      networks.forEach(network -> network.run(input, shape));
    }
    List<List<Double>> times = new ArrayList<>();
    networks.forEach(n -> times.add(new ArrayList<>()));
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    for (int pass = 0;
        pass < maxPasses && (pass < minPasses || System.nanoTime() < deadline);
        pass++) {
      for (int i = 0; i < networks.size(); i++) {
        long started = System.nanoTime();
        networks.get(i).run(input, shape);
        times.get(i).add((System.nanoTime() - started) / 1e9);
      }
    }
    List<Latency> latencies = new ArrayList<>();
    for (int i = 0; i < networks.size(); i++) {
      Stats stats = Stats.of(times.get(i));
      latencies.add(
          new Latency(
              networks.get(i).name(),
              batch,
              stats.median(),
              stats.min(),
              stats.max(),
              stats.count()));
    }
    return latencies;
  }
}
