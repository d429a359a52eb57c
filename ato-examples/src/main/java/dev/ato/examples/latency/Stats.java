package dev.ato.examples.latency;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Median, minimum and maximum of repeated measurements.
 *
 * @param median the middle value, or the mean of the two middle values
 * @param min the lowest
 * @param max the highest
 * @param count how many there were
 */
public record Stats(double median, double min, double max, int count) {

  /** The summary of {@code values}, of which there is at least one. */
  public static Stats of(List<Double> values) {
    checkArgument(!values.isEmpty(), "no measurement to summarise");
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = sorted.length;
    double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    return new Stats(median, sorted[0], sorted[n - 1], n);
  }

  /**
   * Puts each series' median into {@code figures} under its name, its lowest under {@code NAME_min}
   * and its highest under {@code NAME_max}.
   */
  public static void summarise(Map<String, List<Double>> series, Map<String, Double> figures) {
    series.forEach(
        (name, values) -> {
          Stats stats = of(values);
          figures.put(name, stats.median());
          figures.put(name + "_min", stats.min());
          figures.put(name + "_max", stats.max());
        });
  }

  /** The summary of {@code values}, of which there is at least one. */
  public static Stats of(double... values) {
    return of(Arrays.stream(values).boxed().toList());
  }
}
