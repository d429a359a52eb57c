package dev.ato.djl.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import dev.ato.controller.GumbelSigmoid;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The NDArray Gumbel-sigmoid is the core's, with a straight-through hard mask. */
class GumbelMaskTest extends EngineTest {

  private static final double[] LOGITS = {-3.6, -2.5, -4.6, 0.3, -4.1, -1.0};
  private static final double[] UNIFORMS = {0.5, 0.3, 0.9, 0.1, 0.62, 0.01};

  @Test
  void theSoftMaskEqualsTheCoreReferenceForTheSameUniforms() {
    double[] expected = GumbelSigmoid.defaults().soft(LOGITS, UNIFORMS);

    NDArray soft = GumbelMask.defaults().sample(floats(LOGITS), UNIFORMS).soft();

    assertThat(doubles(soft)).containsExactly(expected, within(1e-5));
  }

  @Test
  void drawingFromASeededGeneratorRepeatsTheCoresSample() {
    double[] logits = new double[200];
    for (int i = 0; i < logits.length; i++) {
      logits[i] = -6 + 0.05 * i;
    }
    double[] expected = GumbelSigmoid.defaults().sample(logits, new SplittableRandom(17));

    NDArray soft = GumbelMask.defaults().sample(floats(logits), new SplittableRandom(17)).soft();

    assertThat(doubles(soft)).containsExactly(expected, within(1e-5));
  }

  @Test
  void theNoiselessMaskIsTheCoresNoiselessMask() {
    double[] expected = GumbelSigmoid.defaults().noiseless(LOGITS);

    GumbelMask.Sample sample = GumbelMask.defaults().noiseless(floats(LOGITS));

    assertThat(doubles(sample.soft())).containsExactly(expected, within(1e-5));
    // o + 3: -0.6, 0.5, -1.6, 3.3, -1.1, 2.0.
    assertThat(doubles(sample.hard())).containsExactly(0, 1, 0, 1, 0, 1);
  }

  @Test
  void theHardMaskKeepsTheGroupsWhoseSoftValueIsAtLeastOneHalf() {
    GumbelMask.Sample sample = GumbelMask.defaults().sample(floats(LOGITS), UNIFORMS);
    double[] soft = GumbelSigmoid.defaults().soft(LOGITS, UNIFORMS);

    // o + s + 3 with s = -log(-log(u)): -0.23, 0.31, 0.65, 2.47, -0.36, 0.47.
    assertThat(doubles(sample.hard())).containsExactly(0, 1, 1, 1, 0, 1);
    assertThat(sample.groupMask()).isEqualTo(GumbelSigmoid.harden(soft));
  }

  @Test
  void theStraightThroughGradientIsTheSoftMasksGradient() {
    double[] weights = {1, -2, 0.5, 3, -1, 2};
    double[] soft = GumbelSigmoid.defaults().soft(LOGITS, UNIFORMS);
    NDArray logits = floats(LOGITS);
    logits.setRequiresGradient(true);

    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray hard = GumbelMask.defaults().sample(logits, UNIFORMS).hard();
      collector.backward(hard.mul(floats(weights)).sum());
    }

    // d hard_i / d o_i = d w_i / d o_i = sigmoid'(z_i) / tau = w_i (1 - w_i) / 0.4.
    double[] expected = new double[LOGITS.length];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = weights[i] * soft[i] * (1 - soft[i]) / 0.4;
    }
    assertThat(doubles(logits.getGradient())).containsExactly(expected, within(1e-5));
  }

  @Test
  void logitsOfAnotherLengthThanTheDrawsAreRejected() {
    assertThatThrownBy(() -> GumbelMask.defaults().sample(floats(LOGITS), new double[4]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "the logits must be a vector of one value per uniform draw (4), " + "found shape (6)");
  }
}
