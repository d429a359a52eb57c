package dev.ato.controller;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * The controller's FLOPs penalty (docs/method.md, "Formulas"). With {@code r} the ratio of the
 * prunable part's FLOPs that the mask keeps and {@code p} the target ratio: {@code R = log(max(r, p
 * + 0.005) / p)} if {@code r > p}, else {@code R = log(p / min(r, p - 0.005))}. Both branches are
 * at least {@code log((p + 0.005) / p)} or {@code log(p / (p - 0.005))} away from the target, so
 * the penalty never vanishes and the controller keeps settling near {@code p}. Immutable.
 */
public final class ResourceLoss {

  /** The paper's weight of R in the controller's loss ({@code 2 x reg_w}, reg_w = 2). */
  public static final double DEFAULT_WEIGHT = 4.0;

  /** The margin around {@code p} in both branches. */
  public static final double MARGIN = 0.005;

  private final double target;

  private ResourceLoss(double target) {
    this.target = target;
  }

  /**
   * The penalty for target ratio {@code p}.
   *
   * @throws IllegalArgumentException unless {@code 0.005 < p <= 1}
   */
  public static ResourceLoss forTarget(double p) {
    checkArgument(
        p > MARGIN && p <= 1,
        "the target ratio p of the prunable part's FLOPs must lie in (%s, 1], found %s; "
            + "ask for a smaller FLOPs reduction",
        MARGIN,
        p);
    return new ResourceLoss(p);
  }

  /** The target ratio {@code p}. */
  public double target() {
    return target;
  }

  /**
   * The penalty at kept-FLOPs ratio {@code r}.
   *
   * @throws IllegalArgumentException when {@code r} is not positive
   */
  public double value(double r) {
    checkArgument(r > 0, "the kept-FLOPs ratio must be positive, found %s", r);
    if (r > target) {
      return Math.log(Math.max(r, target + MARGIN) / target);
    }
    return Math.log(target / Math.min(r, target - MARGIN));
  }
}
