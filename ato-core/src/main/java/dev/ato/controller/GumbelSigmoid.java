package dev.ato.controller;

import static com.google.common.base.Preconditions.checkArgument;

import dev.ato.groups.GroupMask;
import java.util.SplittableRandom;

/**
 * The controller's relaxed binary mask (docs/method.md, "Formulas"): {@code w = sigmoid((o + s + b)
 * / tau)} with Gumbel noise {@code s = -log(-log(U + 1e-20) + 1e-20)}, {@code U ~ Uniform(0, 1)},
 * and the hard mask {@code round(w)} ({@code w >= 0.5} keeps the group). The offset {@code b = 3}
 * makes the first masks keep almost everything; the temperature {@code tau = 0.4} sharpens them.
 * Immutable; randomness comes from a caller's seeded generator, so runs repeat exactly.
 *
 * <p>This is the reference computation without autodiff; an engine binding computes the same
 * formula on its tensors, with the straight-through gradient.
 */
public final class GumbelSigmoid {

  /** The paper's temperature. */
  public static final double DEFAULT_TEMPERATURE = 0.4;

  /** The paper's offset, which starts the mask near all ones. */
  public static final double DEFAULT_OFFSET = 3.0;

  private static final double TINY = 1e-20;

  private final double temperature;
  private final double offset;

  private GumbelSigmoid(double temperature, double offset) {
    this.temperature = temperature;
    this.offset = offset;
  }

  /** The paper's setting: temperature 0.4, offset 3. */
  public static GumbelSigmoid defaults() {
    return new GumbelSigmoid(DEFAULT_TEMPERATURE, DEFAULT_OFFSET);
  }

  /**
   * A Gumbel-sigmoid of the given temperature and offset.
   *
   * @throws IllegalArgumentException when the temperature is not positive or either value is not
   *     finite
   */
  public static GumbelSigmoid of(double temperature, double offset) {
    checkArgument(
        temperature > 0 && Double.isFinite(temperature),
        "the Gumbel-sigmoid temperature must be positive and finite, found %s",
        temperature);
    checkArgument(
        Double.isFinite(offset), "the Gumbel-sigmoid offset must be finite, found %s", offset);
    return new GumbelSigmoid(temperature, offset);
  }

  /** The Gumbel(0, 1) noise for a uniform draw {@code u} in [0, 1). */
  public static double gumbelNoise(double u) {
    return -Math.log(-Math.log(u + TINY) + TINY);
  }

  /** The soft mask for {@code logits} with the given uniform draws (one per logit). */
  public double[] soft(double[] logits, double[] uniforms) {
    checkArgument(
        logits.length == uniforms.length,
        "%s logits but %s uniform draws",
        logits.length,
        uniforms.length);
    double[] w = new double[logits.length];
    for (int i = 0; i < w.length; i++) {
      double z = (logits[i] + gumbelNoise(uniforms[i]) + offset) / temperature;
      w[i] = 1 / (1 + Math.exp(-z));
    }
    return w;
  }

  /** The soft mask for {@code logits}, drawing the noise from {@code random}. */
  public double[] sample(double[] logits, SplittableRandom random) {
    double[] uniforms = new double[logits.length];
    for (int i = 0; i < uniforms.length; i++) {
      uniforms[i] = random.nextDouble();
    }
    return soft(logits, uniforms);
  }

  /** The soft mask without noise ({@code s = 0}): the controller's deterministic choice. */
  public double[] noiseless(double[] logits) {
    double[] w = new double[logits.length];
    for (int i = 0; i < w.length; i++) {
      w[i] = 1 / (1 + Math.exp(-(logits[i] + offset) / temperature));
    }
    return w;
  }

  /** The hard mask: a group is kept where {@code w >= 0.5}. */
  public static GroupMask harden(double[] soft) {
    boolean[] keep = new boolean[soft.length];
    for (int i = 0; i < soft.length; i++) {
      keep[i] = soft[i] >= 0.5;
    }
    return GroupMask.of(keep);
  }

  /** The temperature {@code tau}. */
  public double temperature() {
    return temperature;
  }

  /** The offset {@code b}. */
  public double offset() {
    return offset;
  }
}
