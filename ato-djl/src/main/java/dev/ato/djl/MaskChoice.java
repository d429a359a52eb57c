package dev.ato.djl;

import ai.djl.training.Trainer;
import dev.ato.djl.AtoListener.ControllerUpdate;
import dev.ato.groups.GroupMask;
import dev.ato.schedule.TrainingSchedule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a run's mask comes from, as the run loop sees it: what happens to the mask before and after
 * each optimiser step, and how it freezes. The controller's is ATO's (the controller trains in its
 * window and its mask freezes when the window ends); the magnitude's is the baseline that freezes
 * the mask of smallest weights where projection starts.
 */
abstract class MaskChoice {

  private static final Logger LOG = LoggerFactory.getLogger(MaskChoice.class);

  final RunContext run;
  final RunState state;
  final TrainingSchedule schedule;

  private MaskChoice(RunContext run, RunState state) {
    this.run = run;
    this.state = state;
    this.schedule = run.settings().schedule();
  }

  /** The mask source the run's configuration names. */
  static MaskChoice of(RunContext run, RunState state, ControllerStep controller, Trainer trainer) {
    return run.settings().controllerChoosesMask()
        ? new Controller(run, state, controller)
        : new Magnitude(run, state, trainer);
  }

  /** The mask before anything chose one. */
  static GroupMask initialMask(RunContext run, ControllerStep controller) {
    // Without the controller every group is kept until the magnitude chooses at the warm-up.
    return run.settings().controllerChoosesMask()
        ? controller.mask()
        : GroupMask.allKept(run.groups().size());
  }

  /** Before step {@code step}'s optimiser step. */
  void beforeStep(long step) {}

  /**
   * After step {@code step}'s optimiser step: the controller's update, if one is due.
   *
   * @return nanoseconds the update took, 0 without one
   */
  long afterStep(long step) {
    return 0;
  }

  /** Whether the controller trains at {@code step}, reading a held-out batch. */
  boolean trainsAt(long step) {
    return false;
  }

  /** Freezes the mask at {@code step}. */
  abstract MaskFreeze freezeAt(long step);

  /** Freezes the mask at the run's last step when nothing froze it before (window end = 1). */
  final void finish(long lastStep) {
    if (!state.isFrozen()) {
      state.freeze(freezeAt(lastStep));
    }
  }

  /** The freeze at the end of the controller window, for either source. */
  final void freezeAtWindowEnd(long step) {
    if (!state.isFrozen() && step == schedule.controllerEndStep()) {
      state.freeze(freezeAt(step));
    }
  }

  /** ATO: the controller chooses the mask in its window. */
  private static final class Controller extends MaskChoice {
    private final ControllerStep controller;

    Controller(RunContext run, RunState state, ControllerStep controller) {
      super(run, state);
      this.controller = controller;
    }

    @Override
    boolean trainsAt(long step) {
      return schedule.trainsController(step);
    }

    @Override
    long afterStep(long step) {
      if (!trainsAt(step)) {
        return 0;
      }
      long started = System.nanoTime();
      ControllerUpdate update = controller.update(step);
      state.addUpdate(update);
      state.searched(controller.mask());
      LOG.debug(
          "controller at step {}: loss {}, R {}, {} groups pruned, r {}",
          update.step(),
          Figures.fourPlaces(update.taskLoss()),
          Figures.fourPlaces(update.penalty()),
          update.prunedGroups(),
          Figures.fourPlaces(update.flopsRatio()));
      run.settings().listeners().forEach(l -> l.onControllerUpdate(update));
      return System.nanoTime() - started;
    }

    @Override
    MaskFreeze freezeAt(long step) {
      return MaskFreeze.at(step, state.mask(), run.budget(), run.settings(), controller::scores);
    }
  }

  /** The baseline: the groups of smallest weights, chosen once where projection starts. */
  private static final class Magnitude extends MaskChoice {
    private final Trainer trainer;

    Magnitude(RunContext run, RunState state, Trainer trainer) {
      super(run, state);
      this.trainer = trainer;
    }

    @Override
    void beforeStep(long step) {
      if (!state.isFrozen() && step == schedule.warmupStep()) {
        state.freeze(freezeAt(step));
      }
    }

    @Override
    MaskFreeze freezeAt(long step) {
      return MaskFreeze.byMagnitude(
          step,
          GroupMagnitudes.rootMeanSquares(run.graph(), run.groups(), trainer.getManager()),
          run.budget(),
          run.settings());
    }
  }
}
