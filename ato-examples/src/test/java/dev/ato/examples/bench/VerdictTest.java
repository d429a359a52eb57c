package dev.ato.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A verdict takes the whole min-max range of the rounds, never the median alone. */
class VerdictTest {

  @Test
  void metWhenEvenTheSlowestRoundClearsAnAtLeastGoal() {
    assertThat(Verdict.atLeast(0.90, 1.20, 0.9)).isEqualTo(Verdict.MET);
  }

  @Test
  void missedWhenEvenTheFastestRoundFallsShortOfAnAtLeastGoal() {
    assertThat(Verdict.atLeast(0.70, 0.89, 0.9)).isEqualTo(Verdict.MISSED);
  }

  @Test
  void inconclusiveWhenTheRangeStraddlesAnAtLeastGoal() {
    assertThat(Verdict.atLeast(0.85, 0.95, 0.9)).isEqualTo(Verdict.INCONCLUSIVE);
  }

  @Test
  void metWhenEvenTheHighestRoundStaysWithinAnAtMostGoal() {
    assertThat(Verdict.atMost(0.01, 0.03, 0.03)).isEqualTo(Verdict.MET);
  }

  @Test
  void missedWhenEvenTheLowestRoundExceedsAnAtMostGoal() {
    assertThat(Verdict.atMost(0.031, 0.05, 0.03)).isEqualTo(Verdict.MISSED);
  }

  @Test
  void inconclusiveWhenTheRangeStraddlesAnAtMostGoal() {
    assertThat(Verdict.atMost(0.02, 0.04, 0.03)).isEqualTo(Verdict.INCONCLUSIVE);
  }

  @Test
  void aMissIsBoldOnThePage() {
    assertThat(Verdict.MISSED.markdown()).isEqualTo("**missed**");
  }
}
