package dev.ato.djl.controller;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.ato.controller.GumbelSigmoid;
import dev.ato.djl.tensor.Scalars;
import dev.ato.groups.GroupMask;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The controller's straight-through Gumbel-sigmoid on NDArrays (Wu, Gao et al., CVPR 2024, section
 * 3.2; docs/method.md, "Formulas"): {@code w = sigmoid((o + s + b) / tau)} with Gumbel noise {@code
 * s}, and the hard mask {@code w >= 0.5} whose gradient is that of {@code w}.
 *
 * <p>The noise comes from the caller's uniform draws and is computed by the core's {@link
 * GumbelSigmoid}, which is also the reference this class is tested against; the engine's random
 * generator is never used, so a seeded run repeats exactly. Immutable.
 */
public final class GumbelMask {

  private final GumbelSigmoid relaxation;

  private GumbelMask(GumbelSigmoid relaxation) {
    this.relaxation = relaxation;
  }

  /** The paper's setting: temperature 0.4, offset 3. */
  public static GumbelMask defaults() {
    return new GumbelMask(GumbelSigmoid.defaults());
  }

  /** The mask with {@code relaxation}'s temperature and offset. */
  public static GumbelMask of(GumbelSigmoid relaxation) {
    return new GumbelMask(relaxation);
  }

  /**
   * Samples a mask for a vector of {@code logits}, drawing one uniform per logit from {@code
   * random} in order (the draws {@link GumbelSigmoid#sample} makes).
   */
  public Sample sample(NDArray logits, SplittableRandom random) {
    double[] uniforms = new double[Math.toIntExact(logits.size())];
    for (int i = 0; i < uniforms.length; i++) {
      uniforms[i] = random.nextDouble();
    }
    return sample(logits, uniforms);
  }

  /**
   * Samples a mask for a vector of {@code logits} with the given uniform draws in [0, 1).
   *
   * @throws IllegalArgumentException when {@code logits} is not a vector of one value per draw
   */
  public Sample sample(NDArray logits, double[] uniforms) {
    checkArgument(
        logits.getShape().equals(new Shape(uniforms.length)),
        "the logits must be a vector of one value per uniform draw (%s), found shape %s",
        uniforms.length,
        logits.getShape());
    float[] shift = new float[uniforms.length];
    for (int i = 0; i < shift.length; i++) {
      shift[i] = (float) (GumbelSigmoid.gumbelNoise(uniforms[i]) + relaxation.offset());
    }
    return relax(logits, shift);
  }

  /**
   * The mask without noise ({@code s = 0}): the controller's deterministic choice, whose hard part
   * is the mask ATO prunes with. Straight-through like {@link #sample}.
   */
  public Sample noiseless(NDArray logits) {
    checkArgument(
        logits.getShape().dimension() == 1,
        "the logits must be a vector, found shape %s",
        logits.getShape());
    float[] shift = new float[Math.toIntExact(logits.size())];
    Arrays.fill(shift, (float) relaxation.offset());
    return relax(logits, shift);
  }

  private Sample relax(NDArray logits, float[] shift) {
    NDArray noise = logits.getManager().create(shift).toType(logits.getDataType(), false);
    // A tensor divisor, not a Java number: autograd keeps the divisor (see Scalars).
    NDArray soft =
        Activation.sigmoid(logits.add(noise).div(Scalars.like(logits, relaxation.temperature())));
    // gte(0.5), not round(): round(0.5) is 0 in libtorch (half to even), the core keeps w >= 0.5.
    NDArray hard = soft.stopGradient().gte(0.5).toType(soft.getDataType(), false);
    NDArray straightThrough = soft.add(hard.sub(soft).stopGradient());
    return new Sample(soft, straightThrough);
  }

  /** The temperature and offset in use. */
  public GumbelSigmoid relaxation() {
    return relaxation;
  }

  /**
   * One sampled mask. Its arrays belong to the logits' manager (or the innermost {@code NDScope}).
   *
   * @param soft the relaxed mask {@code w} in (0, 1)
   * @param hard 1 where {@code w >= 0.5}, else 0, in the forward pass; the gradient of {@code soft}
   *     in the backward pass (straight-through)
   */
  public record Sample(NDArray soft, NDArray hard) {

    /** The hard mask as the core's {@link GroupMask}. */
    public GroupMask groupMask() {
      float[] values = hard.toFloatArray();
      boolean[] keep = new boolean[values.length];
      for (int i = 0; i < values.length; i++) {
        keep[i] = values[i] > 0.5f;
      }
      return GroupMask.of(keep);
    }
  }
}
