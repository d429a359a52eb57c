package dev.ato.examples.latency;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import java.util.List;

/**
 * What pruning bought in time, per runtime and batch size: each runtime's dense network and its
 * compressed ones, taking turns pass by pass, and each one's speed-up over the dense network in
 * that runtime. Runtimes are timed one after the other, never interleaved: a runtime's idle threads
 * spin for a while after each pass and would slow the other's.
 */
public final class PruningSpeed {

  private PruningSpeed() {}

  /**
   * One network's time at one batch size.
   *
   * @param runtime what ran it, e.g. "DJL" or "ONNX Runtime"
   * @param network which network, e.g. "dense" or "compressed, inference form"
   * @param batch the batch size
   * @param milliseconds the median pass
   * @param minMilliseconds the fastest pass
   * @param maxMilliseconds the slowest pass
   * @param passes passes timed
   * @param speedup the dense network's median over this one's, in the same runtime (1 for the dense
   *     network itself)
   */
  public record Figure(
      String runtime,
      String network,
      int batch,
      double milliseconds,
      double minMilliseconds,
      double maxMilliseconds,
      int passes,
      double speedup) {}

  /**
   * A runtime's networks, the dense one first.
   *
   * @param name the runtime's name
   * @param networks the dense network, then the compressed ones
   */
  public record Backend(String name, List<? extends Forward> networks) {
    public Backend {
      checkArgument(
          networks.size() >= 2,
          "runtime '%s' needs the dense network and at least " + "one compressed one, found %s",
          name,
          networks.size());
      networks = List.copyOf(networks);
    }
  }

  /**
   * Times every runtime's networks at each batch size for about {@code seconds} each (at least 5
   * passes, after 3 untimed).
   *
   * @param inputShape one input's shape, without the batch axis
   */
  public static ImmutableList<Figure> measure(
      List<Backend> runtimes, long[] inputShape, List<Integer> batches, double seconds) {
    ImmutableList.Builder<Figure> figures = ImmutableList.builder();
    for (int batch : batches) {
      for (Backend runtime : runtimes) {
        List<Latencies.Latency> times =
            Latencies.measure(runtime.networks(), inputShape, batch, 3, 5, 10_000, seconds);
        double dense = times.get(0).median();
        for (Latencies.Latency time : times) {
          figures.add(
              new Figure(
                  runtime.name(),
                  time.name(),
                  batch,
                  1e3 * time.median(),
                  1e3 * time.min(),
                  1e3 * time.max(),
                  time.passes(),
                  dense / time.median()));
        }
      }
    }
    return figures.build();
  }
}
