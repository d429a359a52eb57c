package dev.ato.djl.controller;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.ato.controller.ResourceLoss;
import dev.ato.djl.tensor.Scalars;

/**
 * The FLOPs penalty {@code R(r)} of Auto-Train-Once (Wu, Gao et al., CVPR 2024, section 3.3;
 * docs/method.md, "Formulas") as an NDArray expression, so that its gradient reaches the mask
 * through {@link DifferentiableCost#flopsRatio}: {@code log(max(r, p + 0.005) / p)} when {@code r >
 * p}, else {@code log(p / min(r, p - 0.005))}.
 *
 * <p>The branch is chosen on the Java side from {@code r}'s value, as the core's {@link
 * ResourceLoss#value} does, which also validates {@code r}; inside the margins the penalty is
 * constant and passes no gradient, as {@code max}/{@code min} do in the paper's code. Immutable.
 */
public final class ResourcePenalty {

  /** What an all-pruned ratio of 0 is taken as. */
  static final float FLOOR = 1e-6f;

  private final ResourceLoss loss;

  private ResourcePenalty(ResourceLoss loss) {
    this.loss = loss;
  }

  /** The penalty for {@code loss}'s target ratio {@code p}. */
  public static ResourcePenalty of(ResourceLoss loss) {
    return new ResourcePenalty(loss);
  }

  /**
   * {@code R(r)} for a scalar array {@code ratio}.
   *
   * @throws IllegalArgumentException when {@code ratio} is not positive
   */
  public NDArray value(NDArray ratio) {
    double r = ratio.toType(DataType.FLOAT64, false).getDouble();
    if (r <= 0) {
      // A mask that prunes every prunable FLOP: the log would be infinite. Shifting r by a
      // tiny amount keeps the penalty finite and its gradient (-1/r) pushing groups back.
      ratio = ratio.add(FLOOR);
      r = FLOOR;
    }
    loss.value(r); // rejects NaN with the core's message
    // Float constants: PyTorch promotes a 0-dim float32 array combined with a Java double (a
    // 0-dim float64 array in DJL) to float64.
    float p = (float) loss.target();
    float margin = (float) ResourceLoss.MARGIN;
    // Tensor operands, not Java numbers, where autograd keeps them (see Scalars).
    if (r > loss.target()) {
      return ratio.maximum(Scalars.like(ratio, p + margin)).div(Scalars.like(ratio, p)).log();
    }
    return ratio.minimum(Scalars.like(ratio, p - margin)).log().neg().add((float) Math.log(p));
  }

  /** The core penalty this one evaluates. */
  public ResourceLoss loss() {
    return loss;
  }
}
