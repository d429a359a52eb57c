package dev.ato.spark;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.Serializable;
import java.util.Locale;

/**
 * One run of a budget sweep: the share of the dense network's FLOPs it removes, and its seed.
 *
 * @param reduction the FLOPs reduction, in (0, 1)
 * @param seed the run's seed (initial weights, shuffling, the controller)
 */
public record SweepPoint(double reduction, long seed) implements Serializable {

  /**
   * @throws IllegalArgumentException when the reduction is outside (0, 1)
   */
  public SweepPoint {
    checkArgument(
        reduction > 0 && reduction < 1,
        "a FLOPs reduction is a share in (0, 1), such as 0.5 for half the FLOPs; got %s",
        reduction);
  }

  /**
   * The point's directory name under the sweep's output, such as {@code reduction-0.500-seed-42}.
   */
  public String name() {
    return String.format(Locale.ROOT, "reduction-%.3f-seed-%d", reduction, seed);
  }
}
