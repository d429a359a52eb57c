package dev.ato.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.TrainingResult;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.listener.EvaluatorTrainingListener;
import ai.djl.translate.TranslateException;
import com.google.common.base.Stopwatch;
import dev.ato.djl.AtoListener.ControllerUpdate;
import dev.ato.groups.GroupMask;
import dev.ato.projection.ParameterSource;
import dev.ato.schedule.TrainingSchedule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of Algorithm 1 (spec section 4): train the model; from the warm-up on, project the
 * groups the mask prunes; in the controller window, train the controller every so many steps and
 * take its mask; freeze the mask when the window ends; cut the pruned groups out at the end. The
 * controller, the projection, the freeze and the result each have a class of their own; this one
 * holds the loop and the run's mutable state.
 */
final class AtoRun {

  private static final Logger LOG = LoggerFactory.getLogger(AtoRun.class);

  private final AutoTrainOnce ato;
  private final RunSettings settings;
  private final TrainingSchedule schedule;
  private final ModelProjection projection;
  private final List<EpochMetrics> epochs = new ArrayList<>();
  private final List<ControllerUpdate> updates = new ArrayList<>();
  private GroupMask mask;
  private MaskFreeze frozen;

  AtoRun(AutoTrainOnce ato) {
    this.ato = ato;
    this.settings = ato.settings;
    this.schedule = settings.schedule();
    this.projection = new ModelProjection(ato.graph, ato.groups, settings);
  }

  AtoResult run() {
    // The controller's initial weights draw from the engine's generator.
    Engine.getInstance().setRandomSeed(AutoTrainOnce.engineSeed(settings.seed()));
    RunCheckpoint checkpoints = settings.checkpoints() == null ? null
        : RunCheckpoint.in(settings.checkpoints());
    RunCheckpoint.Fingerprint fingerprint = checkpoints == null ? null
        : RunCheckpoint.Fingerprint.of(ato);
    announce();
    try (Trainer trainer = ato.model.newTrainer(settings.trainingConfig())) {
      trainer.initialize(ato.graph.inputShape());
      try (ControllerStep controller = ControllerStep.open(ato, trainer)) {
        // Without the controller every group is kept until the magnitude chooses at the warm-up.
        mask = settings.controllerChoosesMask() ? controller.mask()
            : GroupMask.allKept(ato.groups.size());
        long step = 0;
        if (checkpoints != null) {
          Optional<Path> latest = checkpoints.latest();
          if (latest.isPresent()) {
            step = resume(latest.get(), fingerprint, trainer, controller);
          }
        }
        for (int epoch = epochs.size() + 1; epoch <= settings.epochs(); epoch++) {
          // DJL's shuffling, random transforms and dropout draw from the engine's generator,
          // seeded from the run's seed and the epoch alone: a run resumed at this epoch draws
          // what an uninterrupted one does.
          Engine.getInstance().setRandomSeed(AutoTrainOnce.engineSeed(
              AutoTrainOnce.drawnFrom(settings.seed(), epoch).nextLong()));
          controller.startEpoch();
          Stopwatch watch = Stopwatch.createStarted();
          long position = (epoch - 1L) * settings.stepsPerEpoch();
          for (Batch batch : iterate(trainer, settings.train(), "training")) {
            long at = position++;
            if (at < step) {
              // Resumed within this epoch: its batches up to the checkpoint are read again,
              // not trained on, so that the draws of shuffling and transforms line up.
              batch.close();
              if (trainsController(at)) {
                controller.skipHeldOutBatch();
              }
              continue;
            }
            if (!settings.controllerChoosesMask() && frozen == null
                && step == schedule.warmupStep()) {
              freeze(step, controller, trainer);
            }
            StepTimes times = trainStep(trainer, batch, step);
            try {
              requireFiniteLoss(trainer, step);
              if (trainsController(step)) {
                long started = System.nanoTime();
                recordUpdate(controller.update(step));
                mask = controller.mask();
                times = times.withController(System.nanoTime() - started);
              }
            } catch (RunDiverged e) {
              throw diverged(e, epoch, checkpoints);
            }
            if (frozen == null && step == schedule.controllerEndStep()) {
              freeze(step, controller, trainer);
            }
            notifyStep(trainer, step, controller, times);
            step++;
            if (checkpoints != null
                && checkpoints.dueWithinEpoch(step, settings.stepsPerEpoch())) {
              save(checkpoints, checkpointState(fingerprint, epoch - 1, step, controller,
                  RunCheckpoint.accumulators(trainer)), controller);
            }
          }
          endEpoch(trainer, epoch, step, watch);
          if (checkpoints != null && checkpoints.due(epoch, settings.epochs())) {
            save(checkpoints, checkpointState(fingerprint, epoch, step, controller, null),
                controller);
          }
        }
        if (frozen == null) {
          // The window reached past the last step (controllerEnd = 1).
          freeze(step - 1, controller, trainer);
        }
      }
      return ResultAssembly.assemble(ato, mask, frozen.outcome(),
          projection.largestPrunedNorm(mask), epochs, updates, trainer.getManager());
    }
  }

  /**
   * Stops the run at the first step whose training loss is not finite. The loss is DJL's running
   * mean of the epoch, which its loss evaluator has already copied to the host, so the check
   * costs nothing.
   */
  private void requireFiniteLoss(Trainer trainer, long step) {
    float loss = trainer.getLoss().getAccumulator(EvaluatorTrainingListener.TRAIN_EPOCH);
    if (!Float.isFinite(loss)) {
      throw new RunDiverged(String.format(Locale.ROOT, "the model's training loss is %s at step "
          + "%d of %d", loss, step, schedule.totalSteps()));
    }
  }

  /** What the user sees of a divergence: where, the likely causes, and what is kept. */
  private static IllegalStateException diverged(RunDiverged seen, int epoch,
      RunCheckpoint checkpoints) {
    String kept;
    try {
      kept = checkpoints == null ? "no checkpoints were asked for"
          : checkpoints.latest().map(path -> "the last checkpoint, " + path + ", is kept")
              .orElse("no checkpoint was written yet");
    } catch (IllegalStateException damaged) {
      // The divergence is the news; a damaged checkpoint beside it is said, not thrown.
      kept = damaged.getMessage();
    }
    return new IllegalStateException(String.format(Locale.ROOT, "%s (epoch %d): the data hold "
        + "NaN or infinite values, or the learning rate makes the model diverge; %s",
        seen.getMessage(), epoch, kept), seen);
  }

  private void save(RunCheckpoint checkpoints, RunCheckpoint.State state,
      ControllerStep controller) {
    checkpoints.write(state, ato.model.getBlock(), settings.optimizer(), controller.block(),
        controller.optimizer());
  }

  /**
   * The run as it stands after {@code epochsDone} epochs, before step {@code step}; within an
   * epoch with DJL's running sums of it, at an epoch's end with none.
   */
  private RunCheckpoint.State checkpointState(RunCheckpoint.Fingerprint fingerprint,
      int epochsDone, long step, ControllerStep controller,
      Map<String, Map<String, Map<String, Double>>> accumulators) {
    return new RunCheckpoint.State(RunCheckpoint.FORMAT, fingerprint, epochsDone, step,
        RunCheckpoint.kept(mask),
        frozen == null ? null : RunCheckpoint.kept(frozen.mask()),
        frozen == null ? null : frozen.outcome(), List.copyOf(epochs), List.copyOf(updates),
        controller.skippedUpdates(), RunCheckpoint.counts(settings.optimizer(),
            ato.model.getBlock()),
        RunCheckpoint.counts(controller.optimizer(), controller.block()), accumulators);
  }

  /** Puts the run back where {@code checkpoint} left it; returns the next step to take. */
  private long resume(Path checkpoint, RunCheckpoint.Fingerprint fingerprint, Trainer trainer,
      ControllerStep controller) {
    RunCheckpoint.State state = RunCheckpoint.readState(checkpoint, fingerprint);
    RunCheckpoint.restore(checkpoint, state, ato.model.getBlock(), settings.optimizer(),
        controller.block(), controller.optimizer());
    epochs.addAll(state.epochs());
    updates.addAll(state.updates());
    mask = GroupMask.of(state.mask());
    controller.resume(state.skippedUpdates());
    if (state.frozenMask() != null) {
      frozen = new MaskFreeze(GroupMask.of(state.frozenMask()), state.outcome());
    }
    if (state.withinEpoch()) {
      RunCheckpoint.restoreAccumulators(trainer, state.accumulators());
    }
    LOG.info("resuming from {}: {} of {} epochs done, next step {} of {}", checkpoint,
        state.epoch(), settings.epochs(), state.step(), schedule.totalSteps());
    return state.step();
  }

  /**
   * Step 1 and 2 of Algorithm 1: one optimiser step, then the projection of pruned groups.
   *
   * @return whether it projected, and how long each part took
   */
  private StepTimes trainStep(Trainer trainer, Batch batch, long step) {
    boolean project = projection.projects(step, mask);
    try (batch; NDManager snapshot = trainer.getManager().newSubManager()) {
      long started = System.nanoTime();
      Optional<ParameterSource<NDArray>> before = project ? projection.before(mask, snapshot)
          : Optional.empty();
      long trainStarted = System.nanoTime();
      EasyTrain.trainBatch(trainer, batch);
      trainer.step();
      long trained = System.nanoTime();
      if (project) {
        projection.after(step, mask, before);
      }
      long projectionNanos = (trainStarted - started) + (System.nanoTime() - trained);
      return new StepTimes(project, trained - trainStarted, project ? projectionNanos : 0, 0);
    }
  }

  /** Whether a step projected, and the nanoseconds of its parts. */
  private record StepTimes(boolean projected, long trainNanos, long projectionNanos,
      long controllerNanos) {
    StepTimes withController(long nanos) {
      return new StepTimes(projected, trainNanos, projectionNanos, nanos);
    }
  }

  /** Whether the controller trains at {@code step}: in its window, when it chooses the mask. */
  private boolean trainsController(long step) {
    return settings.controllerChoosesMask() && schedule.trainsController(step);
  }

  private void freeze(long step, ControllerStep controller, Trainer trainer) {
    frozen = settings.controllerChoosesMask()
        ? MaskFreeze.at(step, mask, ato.budget, settings, controller::scores)
        : MaskFreeze.byMagnitude(step,
            GroupMagnitudes.rootMeanSquares(ato.graph, ato.groups, trainer.getManager()),
            ato.budget, settings);
    mask = frozen.mask();
  }

  private void recordUpdate(ControllerUpdate update) {
    updates.add(update);
    LOG.debug("controller at step {}: loss {}, R {}, {} groups pruned, r {}", update.step(),
        format(update.crossEntropy()), format(update.penalty()), update.prunedGroups(),
        format(update.flopsRatio()));
    settings.listeners().forEach(l -> l.onControllerUpdate(update));
  }

  /** Validation through DJL's own path, then the epoch's metrics from DJL's training result. */
  private void endEpoch(Trainer trainer, int epoch, long steps, Stopwatch watch) {
    if (settings.validation() != null) {
      Validation.evaluateOnTrainer(trainer, settings.validation());
    }
    trainer.notifyListeners(listener -> listener.onEpoch(trainer));
    TrainingResult result = trainer.getTrainingResult();
    String metric = settings.metric().getName();
    EpochMetrics metrics = new EpochMetrics(epoch, steps, orNaN(result.getTrainLoss()),
        orNaN(result.getTrainEvaluation(metric)),
        settings.validation() == null ? Double.NaN : orNaN(result.getValidateEvaluation(metric)),
        mask.prunedCount(), ato.cost.flops(mask) / ato.cost.flops(),
        projection.largestPrunedNorm(mask), watch.elapsed(TimeUnit.MILLISECONDS) / 1e3);
    epochs.add(metrics);
    String validation = settings.validation() == null ? ""
        : ", validation " + metric + " " + format(metrics.validationMetric());
    LOG.info("epoch {}/{}: loss {}, train {} {}{}, {} of {} groups pruned (largest norm {}), {} "
            + "of the FLOPs kept, {} s", epoch, settings.epochs(), format(metrics.trainLoss()),
        metric, format(metrics.trainMetric()), validation, metrics.prunedGroups(),
        ato.groups.size(), format(metrics.prunedGroupNorm()), format(metrics.flopsRatio()),
        format(metrics.seconds()));
    settings.listeners().forEach(l -> l.onEpoch(metrics));
  }

  private void announce() {
    LOG.info("ATO schedule: {}; controller learning rate {}", schedule,
        String.format(Locale.ROOT, "%.3g", settings.controllerLearningRate()));
    AtoListener.RunInfo info = new AtoListener.RunInfo(ato.groups.size(),
        ato.groups.blocks().size(), schedule.totalSteps(), settings.stepsPerEpoch(),
        schedule.controllerStartStep(), schedule.warmupStep(), schedule.controllerEndStep(),
        schedule.controllerInterval(), schedule.controllerUpdates(),
        settings.controllerLearningRate(), ato.target.prunableRatio());
    settings.listeners().forEach(l -> l.onStart(info));
  }

  private void notifyStep(Trainer trainer, long step, ControllerStep controller,
      StepTimes times) {
    if (settings.listeners().isEmpty()) {
      return;
    }
    GroupMask stepMask = mask;
    AtoListener.StepInfo info = new AtoListener.StepInfo() {
      @Override
      public long step() {
        return step;
      }

      @Override
      public long totalSteps() {
        return schedule.totalSteps();
      }

      @Override
      public int liveArrays() {
        return ato.model.getNDManager().getManagedArrays().size() + controller.liveArrays();
      }

      @Override
      public double epochLoss() {
        return trainer.getLoss().getAccumulator(EvaluatorTrainingListener.TRAIN_EPOCH);
      }

      @Override
      public double flopsRatio() {
        return ato.cost.flops(stepMask) / ato.cost.flops();
      }

      @Override
      public GroupMask mask() {
        return stepMask;
      }

      @Override
      public boolean projected() {
        return times.projected();
      }

      @Override
      public double lambda() {
        return times.projected() ? projection.lambdaAt(step) : Double.NaN;
      }

      @Override
      public double trainSeconds() {
        return times.trainNanos() / 1e9;
      }

      @Override
      public double projectionSeconds() {
        return times.projectionNanos() / 1e9;
      }

      @Override
      public double controllerSeconds() {
        return times.controllerNanos() / 1e9;
      }
    };
    settings.listeners().forEach(l -> l.onStep(info));
  }

  static Iterable<Batch> iterate(Trainer trainer, Dataset data, String what) {
    try {
      return trainer.iterateDataset(data);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the " + what + " data", e);
    } catch (TranslateException e) {
      throw new IllegalStateException("cannot read the " + what + " data: " + e.getMessage(), e);
    }
  }

  private static double orNaN(Float value) {
    return value == null ? Double.NaN : value;
  }

  static String format(double value) {
    return String.format(Locale.ROOT, "%.4f", value);
  }
}
