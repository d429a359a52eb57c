package dev.ato.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TrainingScheduleTest {

  private final TrainingSchedule defaults = TrainingSchedule.builder().setTotalSteps(1000).build();
  private final TrainingSchedule paper =
      TrainingSchedule.builder()
          .setTotalSteps(1000)
          .optControllerInterval(TrainingSchedule.PAPER_CONTROLLER_INTERVAL)
          .build();

  @Test
  void defaultFractionsGiveTheStepsOfThePaper() {
    assertThat(defaults.controllerStartStep()).isEqualTo(100);
    assertThat(defaults.warmupStep()).isEqualTo(200);
    assertThat(defaults.controllerEndStep()).isEqualTo(500);
  }

  @Test
  void aLongRunSpreadsTheDefaultUpdatesOverItsWindow() {
    TrainingSchedule s = TrainingSchedule.builder().setTotalSteps(100_000).build();

    // Window 10,000..50,000: 40,001 steps / 2,000 updates -> every 20 steps (the paper's),
    // 40,000 / 20 + 1.
    assertThat(s.controllerInterval()).isEqualTo(20);
    assertThat(s.controllerUpdates()).isEqualTo(2001);
  }

  @Test
  void aWindowShorterThanTheUpdatesTrainsTheControllerEveryEighthStep() {
    // 12 epochs of all of Fashion-MNIST at batch 64: window 1,125..5,625 (4,501 steps) has room
    // for 562 updates 8 steps apart, 2,000 asked: 4,500 / 8 + 1 = 563 updates.
    TrainingSchedule s = TrainingSchedule.builder().setTotalSteps(11_250).build();

    assertThat(s.controllerInterval()).isEqualTo(TrainingSchedule.MIN_CONTROLLER_SPACING);
    assertThat(s.controllerUpdates()).isEqualTo(563);
  }

  @Test
  void aShortRunTrainsTheControllerAnEighthOfItsWindow() {
    // Window 100..500: 400 / 8 + 1.
    assertThat(defaults.controllerInterval()).isEqualTo(8);
    assertThat(defaults.controllerUpdates()).isEqualTo(51);
  }

  @Test
  void aWindowShorterThanTheSpacingStillTrainsTheControllerAtItsStart() {
    // Window 2..10 of a 20-step run: updates at 2 and 10.
    TrainingSchedule s = TrainingSchedule.builder().setTotalSteps(20).build();

    assertThat(s.controllerUpdates()).isEqualTo(2);
    assertThat(s.trainsController(2)).isTrue();
    assertThat(s.trainsController(10)).isTrue();
    assertThat(s.trainsController(3)).isFalse();
  }

  @Test
  void aRequestedNumberOfUpdatesSetsTheInterval() {
    TrainingSchedule s =
        TrainingSchedule.builder().setTotalSteps(4000).optControllerUpdates(100).build();

    // Window 400..2,000: 1,601 steps / 100 -> every 16 steps: 400, 416, .., 2,000.
    assertThat(s.controllerInterval()).isEqualTo(16);
    assertThat(s.controllerUpdates()).isEqualTo(101);
  }

  @Test
  void aRequestedNumberOfUpdatesIsSpacedAtLeastEightStepsApart() {
    TrainingSchedule s =
        TrainingSchedule.builder().setTotalSteps(1000).optControllerUpdates(100).build();

    // Window 100..500: room for 50 updates, 100 asked: every 8 steps, 51 updates.
    assertThat(s.controllerInterval()).isEqualTo(8);
    assertThat(s.controllerUpdates()).isEqualTo(51);
  }

  @Test
  void thePapersIntervalIsTakenAsItIs() {
    assertThat(paper.controllerInterval()).isEqualTo(20);
    assertThat(paper.controllerUpdates()).isEqualTo(21);
  }

  @Test
  void updatesAndIntervalTogetherAreRejected() {
    assertThatThrownBy(
            () -> TrainingSchedule.builder().optControllerInterval(5).optControllerUpdates(10))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "controllerInterval was set: give either the number of controller updates "
                + "or the interval between them, not both");
  }

  @Test
  void theControllerTrainsEveryIntervalInsideItsWindow() {
    assertThat(paper.trainsController(99)).isFalse();
    assertThat(paper.trainsController(100)).isTrue();
    assertThat(paper.trainsController(110)).isFalse();
    assertThat(paper.trainsController(120)).isTrue();
    assertThat(paper.trainsController(500)).isTrue();
    assertThat(paper.trainsController(520)).isFalse();
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
    TrainingSchedule s =
        TrainingSchedule.builder()
            .setTotalSteps(95)
            .optControllerStart(0.15)
            .optWarmup(0.25)
            .optControllerEnd(0.55)
            .optControllerInterval(3)
            .build();

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
        .hasMessage(
            "the controller must start no later than projection: controllerStart (0.1) "
                + "must not exceed warmup (0.05)");
  }

  @Test
  void controllerEndBeforeWarmupIsRejected() {
    TrainingSchedule.Builder b =
        TrainingSchedule.builder().setTotalSteps(100).optControllerEnd(0.15);

    assertThatThrownBy(b::build)
        .hasMessage(
            "projection must start before the mask freezes: warmup (0.2) must not exceed "
                + "controllerEnd (0.15)");
  }

  @Test
  void aFractionOutsideTheUnitIntervalIsRejected() {
    assertThatThrownBy(() -> TrainingSchedule.builder().optControllerEnd(1.5))
        .hasMessage(
            "controllerEnd is a fraction of the total steps and must lie in [0, 1], "
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
