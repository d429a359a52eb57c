package dev.ato.djl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.training.Trainer;
import dev.ato.config.MaskSource;
import dev.ato.djl.AtoListener.ControllerUpdate;
import dev.ato.djl.testing.DefaultRuns;
import dev.ato.djl.testing.FashionMnistSlices;
import dev.ato.schedule.TrainingSchedule;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The two mask sources as the run loop drives them, on a ResNet-8 with the README's options. */
class MaskChoiceTest {

  private FashionMnistSlices.Slice train;
  private AutoTrainOnce ato;
  private Trainer trainer;
  private ControllerStep controller;
  private RunState state;

  /** A run of the given source, its trainer and controller open, nothing trained yet. */
  private MaskChoice open(MaskSource source) throws IOException {
    train = FashionMnistSlices.train(240, 20);
    ato = DefaultRuns.halvingResNet(8, train).optMaskSource(source).build();
    trainer = ato.model().newTrainer(ato.context().settings().trainingConfig());
    trainer.initialize(ato.graph().inputShape());
    controller = ControllerStep.open(ato.context(), trainer);
    state = new RunState(MaskChoice.initialMask(ato.context(), controller));
    return MaskChoice.of(ato.context(), state, controller, trainer);
  }

  @AfterEach
  void close() throws IOException {
    try (FashionMnistSlices.Slice t = train;
        AutoTrainOnce a = ato;
        Trainer tr = trainer;
        ControllerStep c = controller) {
      // closes all four
    }
  }

  @Test
  void theControllerTrainsOnlyInItsWindow() throws IOException {
    MaskChoice choice = open(MaskSource.CONTROLLER);
    TrainingSchedule schedule = ato.schedule();
    long before = schedule.controllerStartStep() - 1;
    long first = schedule.controllerStartStep();

    assertThat(choice.trainsAt(before)).isFalse();
    assertThat(choice.afterStep(before)).isZero();
    assertThat(choice.trainsAt(first)).isTrue();
    assertThat(choice.afterStep(first)).isPositive();
    assertThat(state.updates()).extracting(ControllerUpdate::step).containsExactly(first);
  }

  @Test
  void theControllersMaskFreezesAtTheWindowsEndAndNotBefore() throws IOException {
    MaskChoice choice = open(MaskSource.CONTROLLER);
    long end = ato.schedule().controllerEndStep();

    choice.freezeAtWindowEnd(end - 1);
    assertThat(state.isFrozen()).isFalse();

    choice.freezeAtWindowEnd(end);
    assertThat(state.isFrozen()).isTrue();
    assertThat(state.frozen().outcome().step()).isEqualTo(end);
  }

  @Test
  void theMagnitudeSourceKeepsEveryGroupUntilProjectionStartsThenFreezes() throws IOException {
    MaskChoice choice = open(MaskSource.MAGNITUDE);
    long warmup = ato.schedule().warmupStep();

    assertThat(state.mask().prunedCount()).isZero();
    choice.beforeStep(warmup - 1);
    assertThat(state.isFrozen()).isFalse();

    choice.beforeStep(warmup);
    assertThat(state.isFrozen()).isTrue();
    assertThat(state.frozen().outcome().kind()).isEqualTo(BudgetOutcome.Kind.CHOSEN_BY_MAGNITUDE);
    assertThat(state.mask().prunedCount()).isPositive();
  }

  @Test
  void theMagnitudeSourceTrainsNoController() throws IOException {
    MaskChoice choice = open(MaskSource.MAGNITUDE);
    long first = ato.schedule().controllerStartStep();

    assertThat(choice.trainsAt(first)).isFalse();
    assertThat(choice.afterStep(first)).isZero();
    assertThat(state.updates()).isEmpty();
  }

  @Test
  void aRunThatEndsBeforeTheWindowClosesFreezesAtItsLastStep() throws IOException {
    MaskChoice choice = open(MaskSource.CONTROLLER);
    long last = ato.totalSteps() - 1;

    choice.finish(last);

    assertThat(state.frozen().outcome().step()).isEqualTo(last);
  }
}
