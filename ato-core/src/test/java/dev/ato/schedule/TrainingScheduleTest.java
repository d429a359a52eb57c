package dev.ato.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TrainingScheduleTest {

  private final TrainingSchedule defaults = TrainingSchedule.builder().setTotalSteps(1000).build();

  @Test
  void defaultFractionsGiveTheStepsOfThePaper() {
    assertThat(defaults.controllerStartStep()).isEqualTo(100);
    assertThat(defaults.warmupStep()).isEqualTo(200);
    assertThat(defaults.controllerEndStep()).isEqualTo(500);
    assertThat(defaults.controllerInterval()).isEqualTo(20);
  }

  @Test
  void theControllerTrainsEveryIntervalInsideItsWindow() {
    assertThat(defaults.trainsController(99)).isFalse();
    assertThat(defaults.trainsController(100)).isTrue();
    assertThat(defaults.trainsController(110)).isFalse();
    assertThat(defaults.trainsController(120)).isTrue();
    assertThat(defaults.trainsController(500)).isTrue();
    assertThat(defaults.trainsController(520)).isFalse();
  }

  @Test
  void projectionStartsAtTheWarmupStep() {
    assertThat(defaults.projects(199)).isFalse();
    assertThat(defaults.projects(200)).isTrue();
  }

  @Test
  void theMaskFreezesAfterTheWindow() {
    assertThat(defaults.maskFrozen(500)).isFalse();
    assertThat(defaults.maskFrozen(501)).isTrue();
  }

  @Test
  void fractionsRoundDownToWholeSteps() {
    TrainingSchedule s = TrainingSchedule.builder().setTotalSteps(95).optControllerStart(0.15)
        .optWarmup(0.25).optControllerEnd(0.55).optControllerInterval(3).build();

    // 14.25, 23.75 and 52.25 steps.
    assertThat(s.controllerStartStep()).isEqualTo(14);
    assertThat(s.warmupStep()).isEqualTo(23);
    assertThat(s.controllerEndStep()).isEqualTo(52);
  }

  @Test
  void warmupBeforeTheControllerStartIsRejected() {
    TrainingSchedule.Builder b = TrainingSchedule.builder().setTotalSteps(100).optWarmup(0.05);

    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the controller must start no later than projection: controllerStart (0.1) "
            + "must not exceed warmup (0.05)");
  }

  @Test
  void controllerEndBeforeWarmupIsRejected() {
    TrainingSchedule.Builder b = TrainingSchedule.builder().setTotalSteps(100)
        .optControllerEnd(0.15);

    assertThatThrownBy(b::build)
        .hasMessage("projection must start before the mask freezes: warmup (0.2) must not exceed "
            + "controllerEnd (0.15)");
  }

  @Test
  void aFractionOutsideTheUnitIntervalIsRejected() {
    assertThatThrownBy(() -> TrainingSchedule.builder().optControllerEnd(1.5))
        .hasMessage("controllerEnd is a fraction of the total steps and must lie in [0, 1], "
            + "found 1.5");
  }

  @Test
  void totalStepsAreRequiredAndSetOnce() {
    assertThatThrownBy(() -> TrainingSchedule.builder().build())
        .hasMessage("setTotalSteps(...) is required");
    assertThatThrownBy(() -> TrainingSchedule.builder().setTotalSteps(5).setTotalSteps(6))
        .hasMessage("totalSteps was already set to 5");
    assertThatThrownBy(() -> TrainingSchedule.builder().setTotalSteps(0))
        .hasMessage("the total steps must be at least 1, found 0");
  }

  @Test
  void lambdaRisesOnceTheMaskIsFrozen() {
    LambdaSchedule lambda = LambdaSchedule.defaults();

    assertThat(lambda.at(500, defaults)).isEqualTo(10);
    assertThat(lambda.at(501, defaults)).isEqualTo(1000);
  }

  @Test
  void negativeLambdaIsRejected() {
    assertThatThrownBy(() -> new LambdaSchedule(-1, 1000))
        .hasMessage("lambda during the search must be finite and not negative, found -1.0");
  }
}
