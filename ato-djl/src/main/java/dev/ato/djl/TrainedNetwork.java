package dev.ato.djl;

import ai.djl.Model;
import ai.djl.nn.Block;
import ai.djl.training.Trainer;
import ai.djl.training.TrainingConfig;
import ai.djl.training.optimizer.Optimizer;
import dev.ato.djl.engine.TrainerState;
import dev.ato.djl.groups.GroupZeroing;
import dev.ato.djl.subnet.CompressedModel;
import dev.ato.groups.GroupMask;
import dev.ato.schedule.TrainingSchedule;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network a run trains (docs/method.md, "Training the compressed network after the freeze"):
 * the dense model until the mask has frozen and the groups it prunes have reached exactly zero,
 * then the compressed network cut from it. From then on the dense model would only carry zeros
 * through every step, so the smaller network trains in its place on the same data, with the
 * optimiser's state (momentum, update counts, hence the learning-rate schedule) carried over for
 * the channels it keeps; at the end its values go back into the dense model's kept channels, and
 * the run is cut as before. The two are the same computation (the pruned channels give zeros either
 * way), apart from floating-point order.
 */
final class TrainedNetwork implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TrainedNetwork.class);

  private final RunContext run;
  private final Trainer dense;
  private final TrainingConfig config;
  private final ModelProjection projection;
  private final boolean cutsAfterFreeze;
  private CompressedModel compressed;
  private Model compressedModel;
  private Trainer compressedTrainer;
  private long cutStep = -1;
  private boolean gaveUp;

  TrainedNetwork(RunContext run, Trainer dense, TrainingConfig config, ModelProjection projection) {
    this.run = run;
    this.dense = dense;
    this.config = config;
    this.projection = projection;
    this.cutsAfterFreeze = run.settings().config().trainCompressedAfterFreeze();
  }

  /** The trainer of the network being trained now. */
  Trainer trainer() {
    return compressedTrainer != null ? compressedTrainer : dense;
  }

  /** The network being trained now: the one whose parameters a checkpoint saves. */
  Block block() {
    return trainer().getModel().getBlock();
  }

  /** Whether the compressed network trains now. */
  boolean isCut() {
    return compressedTrainer != null;
  }

  /** The step after which the network was cut, or -1 before. */
  long cutStep() {
    return cutStep;
  }

  /** Arrays the networks hold now, for leak checks. */
  int liveArrays() {
    int arrays = run.model().getNDManager().getManagedArrays().size();
    return compressedModel == null
        ? arrays
        : arrays + compressedModel.getNDManager().getManagedArrays().size();
  }

  /**
   * After step {@code step}: cuts the network once the mask has frozen and the projection has
   * brought its pruned groups to exactly zero. Not before: setting groups of some norm to zero at
   * once changes what the network computes, and on CIFAR MobileNetV2, whose blocks' shares of the
   * post-window lambda are small, it cost most of a short run's accuracy (docs/results.md,
   * "Training the compressed network after the freeze").
   */
  void cutWhenReady(long step, RunState state) {
    TrainingSchedule schedule = run.settings().schedule();
    if (!cutsAfterFreeze
        || isCut()
        || gaveUp
        || !state.isFrozen()
        || step < schedule.controllerEndStep()
        || step >= schedule.totalSteps() - 1) {
      return;
    }
    GroupMask mask = state.frozen().mask();
    if (projection.largestPrunedNorm(mask) == 0) {
      cut(step, mask, true);
    }
  }

  /**
   * Cuts the network after step {@code step} for a run resumed from a checkpoint written after the
   * cut; the checkpoint's arrays then go into {@link #block()}.
   */
  void cutForResume(long step, GroupMask mask) {
    cut(step, mask, false);
    if (!isCut()) {
      throw new IllegalStateException(
          "the checkpoint was written after the network was cut at step "
              + step
              + ", but the frozen mask now cuts a different network; resume with the code and "
              + "model that wrote it");
    }
  }

  private void cut(long step, GroupMask mask, boolean carryOptimizerState) {
    // Already zero in a running run; a resumed run's dense model is freshly initialised, and its
    // pruned groups must give zeros once its kept channels get the trained values at the end.
    GroupZeroing.zeroPruned(run.graph(), run.groups(), mask);
    CompressedModel cutOut = CompressedModel.compress(run.graph(), run.groups(), mask);
    if (!cutOut.mask().orElseThrow().equals(mask)) {
      // A layer the mask empties keeps a group that trains on in the compressed network, and the
      // end of the run, which zeroes every group the mask prunes, would then change it.
      LOG.info(
          "the frozen mask prunes every channel of a layer; the dense model trains to the end");
      cutOut.close();
      gaveUp = true;
      return;
    }
    Map<String, Map<String, Map<String, Double>>> sums = TrainerState.accumulators(dense);
    Optimizer optimizer = run.settings().optimizer();
    for (CompressedModel.ParameterCut parameter : cutOut.parameterCuts(run.graph())) {
      parameter.compressed().freeze(!parameter.original().requiresGradient());
      if (carryOptimizerState) {
        TrainerState.moveOptimizerState(
            optimizer,
            parameter.original().getId(),
            parameter.compressed().getId(),
            values -> parameter.keptPart(values, parameter.compressed().getArray().getManager()));
      }
    }
    compressed = cutOut;
    compressedModel = Model.newInstance("ato-compressed", run.settings().device());
    compressedModel.setBlock(cutOut.block());
    // A new trainer tells the listeners that training begins, and DJL's evaluator listener then
    // clears the epoch's running sums: they are put back.
    compressedTrainer = compressedModel.newTrainer(config);
    compressedTrainer.initialize(run.graph().inputShape());
    TrainerState.restoreAccumulators(compressedTrainer, sums);
    cutStep = step;
    LOG.info(
        "step {} of {}: the mask froze and its pruned groups are at zero; training goes on in the "
            + "compressed network ({} of the dense FLOPs)",
        step,
        run.settings().schedule().totalSteps(),
        Figures.fourPlaces((double) cutOut.cost().flops() / run.cost().flops()));
  }

  /**
   * The end of training: the compressed network's values go back into the dense model's kept
   * channels (its pruned ones stay at zero), and the compressed network is let go.
   */
  void finish() {
    if (!isCut()) {
      return;
    }
    Optimizer optimizer = run.settings().optimizer();
    for (CompressedModel.ParameterCut parameter : compressed.parameterCuts(run.graph())) {
      parameter.writeBack();
      TrainerState.dropOptimizerState(optimizer, parameter.compressed().getId());
    }
    close();
  }

  @Override
  public void close() {
    if (compressedTrainer != null) {
      compressedTrainer.close();
      compressedTrainer = null;
    }
    if (compressedModel != null) {
      compressedModel.close();
      compressedModel = null;
    }
    if (compressed != null) {
      compressed.close();
      compressed = null;
    }
  }
}
