package dev.ato.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ato.groups.GroupMask;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GumbelSigmoidTest {

  private final GumbelSigmoid gumbel = GumbelSigmoid.defaults();

  @Test
  void noiseIsMinusLogMinusLogOfTheUniformDraw() {
    // u = e^-1: -log(-log(e^-1)) = -log(1) = 0. u = e^-e: -log(e) = -1.
    assertThat(GumbelSigmoid.gumbelNoise(Math.exp(-1))).isCloseTo(0, within(1e-12));
    assertThat(GumbelSigmoid.gumbelNoise(Math.exp(-Math.E))).isCloseTo(-1, within(1e-12));
  }

  @Test
  void softMaskIsTheSigmoidOfShiftedLogitsOverTheTemperature() {
    double zeroNoise = Math.exp(-1);
    double minusOneNoise = Math.exp(-Math.E);

    double[] w =
        gumbel.soft(new double[] {-3, -3, 0.2}, new double[] {zeroNoise, minusOneNoise, zeroNoise});

    // (-3 + 0 + 3) / 0.4 = 0 -> 0.5; (-3 - 1 + 3) / 0.4 = -2.5; (0.2 + 3) / 0.4 = 8.
    assertThat(w)
        .containsExactly(
            new double[] {0.5, 1 / (1 + Math.exp(2.5)), 1 / (1 + Math.exp(-8))}, within(1e-12));
  }

  @Test
  void hardMaskKeepsGroupsAtOneHalfAndAbove() {
    assertThat(GumbelSigmoid.harden(new double[] {0.5, 0.4999, 0.9, 0}))
        .isEqualTo(GroupMask.of(true, false, true, false));
  }

  @Test
  void theSameSeedDrawsTheSameMask() {
    double[] logits = {-3.1, -2.9, 0, -5, -3};

    double[] first = gumbel.sample(logits, new SplittableRandom(42));
    double[] second = gumbel.sample(logits, new SplittableRandom(42));
    double[] other = gumbel.sample(logits, new SplittableRandom(43));

    assertThat(first).containsExactly(second);
    assertThat(first).isNotEqualTo(other);
  }

  @Test
  void anUntrainedControllerKeepsAlmostEverything() {
    // Zero logits: w = sigmoid((s + 3) / 0.4) >= 0.5 unless the noise s < -3, which has
    // probability exp(-exp(3)) ~ 2e-9.
    double[] w = gumbel.sample(new double[10_000], new SplittableRandom(7));

    assertThat(GumbelSigmoid.harden(w).prunedCount()).isZero();
  }

  @Test
  void noiselessMaskDropsTheNoiseTerm() {
    assertThat(gumbel.noiseless(new double[] {-3})).containsExactly(0.5);
  }

  @Test
  void temperatureMustBePositive() {
    assertThatThrownBy(() -> GumbelSigmoid.of(0, 3))
        .hasMessage("the Gumbel-sigmoid temperature must be positive and finite, found 0.0");
  }
}
