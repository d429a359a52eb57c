package dev.ato.djl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ato.config.MaskSource;
import dev.ato.djl.AtoListener.ControllerUpdate;
import dev.ato.schedule.TrainingSchedule;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The two mask sources as the run loop drives them, on a ResNet-8 with the README's options. */
class MaskChoiceTest {

  private OpenRun run;
  private AutoTrainOnce ato;
  private RunState state;

  /** A run of the given source, its trainer and controller open, nothing trained yet. */
  private MaskChoice open(MaskSource source) throws IOException {
    run = OpenRun.of(builder -> builder.optMaskSource(source));
    ato = run.ato;
    state = new RunState(MaskChoice.initialMask(run.context(), run.controller));
    return MaskChoice.of(run.context(), state, run.controller, run.trainer);
  }

  @AfterEach
  void close() throws IOException {
    if (run != null) {
      run.close();
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
