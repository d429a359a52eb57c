package dev.ato.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A speed verdict against 0.9x plain training takes the whole min-max range of the rounds. */
class ControllerCostTest {

  @Test
  void metWhenEvenTheSlowestRoundClearsTheTarget() {
    assertThat(ControllerCost.verdict(0.90, 1.20)).isEqualTo("met");
  }

  @Test
  void missedWhenEvenTheFastestRoundFallsShort() {
    assertThat(ControllerCost.verdict(0.70, 0.89)).isEqualTo("missed");
  }

  @Test
  void inconclusiveWhenTheRangeStraddlesTheTarget() {
    assertThat(ControllerCost.verdict(0.85, 0.95)).isEqualTo("inconclusive");
  }
}
