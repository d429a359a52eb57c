package dev.ato.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.TrainingConfig;
import ai.djl.training.TrainingResult;
import ai.djl.training.dataset.Batch;
import ai.djl.training.listener.EvaluatorTrainingListener;
import com.google.common.base.Stopwatch;
import dev.ato.groups.GroupMask;
import dev.ato.projection.ParameterSource;
import dev.ato.schedule.TrainingSchedule;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of Algorithm 1 (docs/method.md, "Algorithm 1"): train the model; from the warm-up on,
 * project the groups the mask prunes; in the controller window, train the controller every so many
 * steps and take its mask; freeze the mask when the window ends; once its pruned groups are at
 * zero, train the compressed network in the dense one's place ({@link TrainedNetwork}); cut the
 * pruned groups out at the end. {@link #run()} holds the loop; where the mask comes from ({@link
 * MaskChoice}), checkpoints and resuming ({@link RunCheckpointing}), the projection, the freeze and
 * the result each have a class of their own.
 */
final class AtoRun {

  private static final Logger LOG = LoggerFactory.getLogger(AtoRun.class);

  private final RunContext run;
  private final RunSettings settings;
  private final TrainingSchedule schedule;
  private final ModelProjection projection;
  private final RunCheckpointing checkpointing;

  AtoRun(RunContext run) {
    this.run = run;
    this.settings = run.settings();
    this.schedule = settings.schedule();
    this.projection = new ModelProjection(run.graph(), run.groups(), settings);
    this.checkpointing = RunCheckpointing.of(run);
  }

  AtoResult run() {
    // The controller's initial weights draw from the engine's generator.
    Engine.getInstance().setRandomSeed(RunSeeds.engineSeed(settings.seed()));
    announce();
    TrainingConfig config = settings.trainingConfig();
    try (Trainer dense = run.model().newTrainer(config)) {
      dense.initialize(run.graph().inputShape());
      try (ControllerStep controller = ControllerStep.open(run, dense);
          TrainedNetwork network = new TrainedNetwork(run, dense, config, projection)) {
        RunState state = new RunState(MaskChoice.initialMask(run, controller));
        MaskChoice choice = MaskChoice.of(run, state, controller, dense);
        long resumeAt = checkpointing.resume(network, controller, state);
        long step = 0;
        for (int epoch = state.epochsDone() + 1; epoch <= settings.epochs(); epoch++) {
          Stopwatch watch = startEpoch(epoch, controller);
          step = (epoch - 1L) * settings.stepsPerEpoch();
          // The dense trainer reads the data for the whole run: it stays open after the swap.
          for (Batch batch : Batches.of(dense, settings.train(), "training")) {
            if (step < resumeAt) {
              replay(batch, step++, choice, controller);
              continue;
            }
            choice.beforeStep(step);
            StepTimes times = trainAndProject(network, batch, step, state.mask());
            boolean trainedCompressed = network.isCut();
            times = times.withController(searchAfter(network.trainer(), step, epoch, choice));
            choice.freezeAtWindowEnd(step);
            network.cutWhenReady(step, state);
            notifyStep(network, step, controller, times, trainedCompressed, state.mask());
            checkpointing.afterStep(++step, epoch, network, controller, state);
          }
          endEpoch(network.trainer(), epoch, step, watch, state);
          checkpointing.afterEpoch(epoch, step, network, controller, state);
        }
        choice.finish(Math.max(step, resumeAt) - 1);
        network.finish();
        return result(state);
      }
    }
  }

  /**
   * Lines 7-11 of Algorithm 1, after step {@code step}'s optimiser step: the training loss is
   * checked, then the mask source acts (the controller's update, in its window).
   *
   * @return nanoseconds the mask source took
   */
  private long searchAfter(Trainer trainer, long step, int epoch, MaskChoice choice) {
    try {
      requireFiniteLoss(trainer, step);
      return choice.afterStep(step);
    } catch (RunDiverged e) {
      throw checkpointing.diverged(e, epoch);
    }
  }

  /** The end of the run: the cut, the scores and the result. */
  private AtoResult result(RunState state) {
    return ResultAssembly.assemble(
        run,
        state.mask(),
        state.frozen().outcome(),
        projection.largestPrunedNorm(state.mask()),
        state.epochs(),
        state.updates());
  }

  /**
   * Starts epoch {@code epoch}. DJL's shuffling, random transforms and dropout draw from the
   * engine's generator, seeded from the run's seed and the epoch alone: a run resumed at this epoch
   * draws what an uninterrupted one does.
   */
  private Stopwatch startEpoch(int epoch, ControllerStep controller) {
    Engine.getInstance()
        .setRandomSeed(RunSeeds.engineSeed(RunSeeds.drawnFrom(settings.seed(), epoch).nextLong()));
    controller.startEpoch();
    return Stopwatch.createStarted();
  }

  /**
   * A batch of a resumed epoch before its checkpoint: read again, not trained on, so that the draws
   * of shuffling and transforms, and the controller's held-out batches, line up.
   */
  private static void replay(Batch batch, long step, MaskChoice choice, ControllerStep controller) {
    batch.close();
    if (choice.trainsAt(step)) {
      controller.skipHeldOutBatch();
    }
  }

  /**
   * Stops the run at the first step whose training loss is not finite. The loss is DJL's running
   * mean of the epoch, which its loss evaluator has already copied to the host, so the check costs
   * nothing.
   */
  private void requireFiniteLoss(Trainer trainer, long step) {
    float loss = trainer.getLoss().getAccumulator(EvaluatorTrainingListener.TRAIN_EPOCH);
    if (!Float.isFinite(loss)) {
      throw new RunDiverged(
          String.format(
              Locale.ROOT,
              "the model's training loss is %s at step " + "%d of %d",
              loss,
              step,
              schedule.totalSteps()));
    }
  }

  /**
   * Lines 4-6 of Algorithm 1: one optimiser step, then the projection of the groups {@code mask}
   * prunes.
   *
   * @return whether it projected, and how long each part took
   */
  private StepTimes trainAndProject(
      TrainedNetwork network, Batch batch, long step, GroupMask mask) {
    // The compressed network has no pruned groups left to project.
    boolean project = !network.isCut() && projection.projects(step, mask);
    Trainer trainer = network.trainer();
    try (batch;
        NDManager snapshot = trainer.getManager().newSubManager()) {
      long started = System.nanoTime();
      Optional<ParameterSource<NDArray>> before =
          project ? projection.before(mask, snapshot) : Optional.empty();
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
  private record StepTimes(
      boolean projected, long trainNanos, long projectionNanos, long controllerNanos) {
    StepTimes withController(long nanos) {
      return new StepTimes(projected, trainNanos, projectionNanos, nanos);
    }
  }

  /** Validation through DJL's own path, then the epoch's metrics from DJL's training result. */
  private void endEpoch(Trainer trainer, int epoch, long steps, Stopwatch watch, RunState state) {
    GroupMask mask = state.mask();
    double prunedNorm = projection.largestPrunedNorm(mask);
    if (settings.validation() != null) {
      int batches = statisticsLag(steps, prunedNorm) ? BatchNormStatistics.BATCHES : 0;
      try (BatchNormStatistics ignored =
          BatchNormStatistics.reestimated(trainer, settings.train(), batches)) {
        Validation.evaluateOnTrainer(trainer, settings.validation());
      }
    }
    trainer.notifyListeners(listener -> listener.onEpoch(trainer));
    TrainingResult result = trainer.getTrainingResult();
    String metric = settings.metric().getName();
    EpochMetrics metrics =
        new EpochMetrics(
            epoch,
            steps,
            orNaN(result.getTrainLoss()),
            orNaN(result.getTrainEvaluation(metric)),
            settings.validation() == null
                ? Double.NaN
                : orNaN(result.getValidateEvaluation(metric)),
            mask.prunedCount(),
            run.cost().flops(mask) / run.cost().flops(),
            prunedNorm,
            watch.elapsed(TimeUnit.MILLISECONDS) / 1e3);
    state.addEpoch(metrics);
    String validation =
        settings.validation() == null
            ? ""
            : ", validation " + metric + " " + Figures.fourPlaces(metrics.validationMetric());
    LOG.info(
        "epoch {}/{}: loss {}, train {} {}{}, {} of {} groups pruned (largest norm {}), {} "
            + "of the FLOPs kept, {} s",
        epoch,
        settings.epochs(),
        Figures.fourPlaces(metrics.trainLoss()),
        metric,
        Figures.fourPlaces(metrics.trainMetric()),
        validation,
        metrics.prunedGroups(),
        run.groups().size(),
        Figures.fourPlaces(metrics.prunedGroupNorm()),
        Figures.fourPlaces(metrics.flopsRatio()),
        Figures.fourPlaces(metrics.seconds()));
    settings.listeners().forEach(l -> l.onEpoch(metrics));
  }

  /**
   * Whether the batch-norm running statistics may lag the weights after {@code steps} steps: from
   * the first projecting step until the mask froze and its pruned groups, the largest of norm
   * {@code prunedNorm}, reached zero.
   */
  private boolean statisticsLag(long steps, double prunedNorm) {
    return steps > schedule.warmupStep()
        && (steps <= schedule.controllerEndStep() || prunedNorm > 0);
  }

  private void announce() {
    LOG.info(
        "ATO schedule: {}; controller learning rate {}",
        schedule,
        String.format(Locale.ROOT, "%.3g", settings.controllerLearningRate()));
    AtoListener.RunInfo info =
        new AtoListener.RunInfo(
            run.groups().size(),
            run.groups().blocks().size(),
            schedule.totalSteps(),
            settings.stepsPerEpoch(),
            schedule.controllerStartStep(),
            schedule.warmupStep(),
            schedule.controllerEndStep(),
            schedule.controllerInterval(),
            schedule.controllerUpdates(),
            settings.controllerLearningRate(),
            run.target().prunableRatio());
    settings.listeners().forEach(l -> l.onStart(info));
  }

  private void notifyStep(
      TrainedNetwork network,
      long step,
      ControllerStep controller,
      StepTimes times,
      boolean trainedCompressed,
      GroupMask stepMask) {
    if (settings.listeners().isEmpty()) {
      return;
    }
    Trainer trainer = network.trainer();
    AtoListener.StepInfo info =
        new AtoListener.StepInfo() {
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
            return network.liveArrays() + controller.liveArrays();
          }

          @Override
          public double epochLoss() {
            return trainer.getLoss().getAccumulator(EvaluatorTrainingListener.TRAIN_EPOCH);
          }

          @Override
          public double flopsRatio() {
            return run.cost().flops(stepMask) / run.cost().flops();
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
          public boolean trainedCompressed() {
            return trainedCompressed;
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

  private static double orNaN(Float value) {
    return value == null ? Double.NaN : value;
  }
}
