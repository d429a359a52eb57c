package dev.ato.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class StepClockTest {

  @Test
  void theWarmUpStepsAreNotCounted() {
    StepClock clock = new StepClock(2);
    clock.record(9_000_000_000L);
    clock.record(7_000_000_000L);
    clock.record(1_000_000_000L);
    clock.record(3_000_000_000L);
    // (1 + 3) / 2 seconds.
    assertThat(clock.meanSeconds()).isCloseTo(2.0, within(1e-12));
    assertThat(clock.counted()).isEqualTo(2);
  }

  @Test
  void theFirstStepAfterAnEpochIsNotCounted() {
    StepClock clock = new StepClock(0);
    clock.record(1_000_000_000L);
    clock.epochEnded();
    clock.record(50_000_000_000L);
    clock.record(2_000_000_000L);
    assertThat(clock.meanSeconds()).isCloseTo(1.5, within(1e-12));
  }

  @Test
  void aClockWithNoCountedStepSaysSo() {
    StepClock clock = new StepClock(5);
    clock.record(1_000_000L);
    assertThatThrownBy(clock::meanSeconds)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no step was counted: 1 steps with 5 of warm-up");
  }

  @Test
  void stepsCannotEndBeforeTheClockStarts() {
    assertThatThrownBy(new StepClock(0)::stepEnded)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("start()");
  }
}
