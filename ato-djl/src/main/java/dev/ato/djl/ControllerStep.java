package dev.ato.djl;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.ato.controller.ResourceLoss;
import dev.ato.djl.AtoListener.ControllerUpdate;
import dev.ato.djl.controller.ControllerNetwork;
import dev.ato.djl.controller.DifferentiableCost;
import dev.ato.djl.controller.GumbelMask;
import dev.ato.djl.controller.ResourcePenalty;
import dev.ato.djl.engine.NoGrad;
import dev.ato.djl.tensor.InPlace;
import dev.ato.djl.tensor.Scalars;
import dev.ato.groups.GroupMask;
import java.util.Iterator;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller of a run (docs/method.md, "The training loop"): its network, its AdamW trainer,
 * the gates it sees the frozen model through, and the held-out batches it learns from. Made once
 * per run and closed with it.
 */
final class ControllerStep implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ControllerStep.class);
  private static final float CONTROLLER_WEIGHT_DECAY = 1e-2f;

  private final RunContext run;
  private final RunSettings settings;
  private final Trainer modelTrainer;
  private final Model model;
  private final Trainer trainer;
  private final DifferentiableCost cost;
  private final ChannelGates gates;
  private final Optimizer optimizer;
  private final ResourcePenalty penalty;
  private Iterator<Batch> heldOutBatches;
  private int skippedUpdates;
  private GroupMask mask;

  private ControllerStep(
      RunContext run,
      Trainer modelTrainer,
      Model model,
      Trainer trainer,
      Optimizer optimizer,
      DifferentiableCost cost,
      ChannelGates gates) {
    this.run = run;
    this.settings = run.settings();
    this.modelTrainer = modelTrainer;
    this.model = model;
    this.trainer = trainer;
    this.optimizer = optimizer;
    this.cost = cost;
    this.gates = gates;
    this.penalty = ResourcePenalty.of(ResourceLoss.forTarget(run.target().prunableRatio()));
    this.mask = run.groups().keepingEveryLayer(currentMask());
  }

  /** Makes the controller for the run's groups, on the device of the model's trainer. */
  static ControllerStep open(RunContext run, Trainer modelTrainer) {
    RunSettings settings = run.settings();
    Model model = Model.newInstance("ato-controller", settings.device());
    Trainer trainer = null;
    DifferentiableCost cost = null;
    try {
      model.setBlock(ControllerNetwork.forGroups(run.groups(), settings.seed()));
      Optimizer optimizer =
          Optimizer.adamW()
              .optLearningRateTracker(Tracker.fixed((float) settings.controllerLearningRate()))
              .optWeightDecays(CONTROLLER_WEIGHT_DECAY)
              .build();
      trainer =
          model.newTrainer(
              new DefaultTrainingConfig(Loss.l2Loss())
                  .optDevices(new ai.djl.Device[] {settings.device()})
                  .optOptimizer(optimizer));
      trainer.initialize();
      cost = DifferentiableCost.of(run.cost(), modelTrainer.getManager());
      ChannelGates gates = new ChannelGates(run.graph(), run.groups(), modelTrainer.getManager());
      return new ControllerStep(run, modelTrainer, model, trainer, optimizer, cost, gates);
    } catch (RuntimeException e) {
      if (cost != null) {
        cost.close();
      }
      if (trainer != null) {
        trainer.close();
      }
      model.close();
      throw e;
    }
  }

  /**
   * The mask ATO prunes with: the controller's noiseless hard mask after its latest update, each
   * layer keeping at least one group.
   */
  GroupMask mask() {
    return mask;
  }

  private GroupMask currentMask() {
    try (NDScope ignored = new NDScope();
        NoGrad noGrad = NoGrad.enter()) {
      NDArray logits = trainer.forward(new NDList()).singletonOrThrow();
      return GumbelMask.defaults().noiseless(logits).groupMask();
    }
  }

  /** The controller's logits: how much it wants to keep each group. */
  double[] scores() {
    try (NDScope ignored = new NDScope();
        NoGrad noGrad = NoGrad.enter()) {
      float[] logits = trainer.forward(new NDList()).singletonOrThrow().toFloatArray();
      double[] scores = new double[logits.length];
      for (int g = 0; g < logits.length; g++) {
        scores[g] = logits[g];
      }
      return scores;
    }
  }

  /** The controller network, for checkpoints. */
  Block block() {
    return model.getBlock();
  }

  /** The controller's AdamW, for checkpoints. */
  Optimizer optimizer() {
    return optimizer;
  }

  /** Updates skipped so far because a gradient was not finite. */
  int skippedUpdates() {
    return skippedUpdates;
  }

  /**
   * Starts an epoch: the held-out batches start again from a fresh pass, so that which batch an
   * update sees depends on the epoch's seed and not on the epochs before (a resumed run meets the
   * same batches).
   */
  void startEpoch() {
    heldOutBatches = null;
  }

  /**
   * Puts the controller back where a checkpoint left it, its parameters and AdamW state restored
   * already: its mask follows from them, and the count of skipped updates is given.
   */
  void resume(int skipped) {
    this.mask = run.groups().keepingEveryLayer(currentMask());
    this.skippedUpdates = skipped;
  }

  /** NDArrays alive in the controller's manager. */
  int liveArrays() {
    return model.getNDManager().getManagedArrays().size();
  }

  /**
   * One update: on a held-out batch, with the model frozen in inference mode and its group channels
   * gated by the controller's soft (noisy) mask, minimise the task loss plus the weighted FLOPs
   * penalty of the hard mask. The hard mask is the noiseless one ({@code s = 0}): it is the mask
   * ATO prunes with, so the penalty steers it and not a noisy sample of it.
   *
   * @return the update, with the figures of the new {@link #mask()}
   */
  ControllerUpdate update(long step) {
    Batch batch = nextHeldOutBatch();
    double taskLoss;
    double resource;
    try (NDScope ignored = new NDScope()) {
      try (GradientCollector collector = trainer.newGradientCollector()) {
        NDArray logits = trainer.forward(new NDList()).singletonOrThrow();
        if (!Double.isFinite(logits.abs().max().getFloat())) {
          throw new RunDiverged(
              String.format(
                  Locale.ROOT,
                  "the controller's logits are not finite at step %d of %d",
                  step,
                  settings.schedule().totalSteps()));
        }
        // Noise drawn from the seed and the step alone: a resumed run draws the same.
        GumbelMask.Sample noisy =
            GumbelMask.defaults().sample(logits, RunSeeds.drawnFrom(settings.seed(), step));
        GumbelMask.Sample plain = GumbelMask.defaults().noiseless(logits);
        NDArray keep =
            noisy
                .soft()
                .concat(noisy.soft().getManager().ones(new Shape(1), noisy.soft().getDataType()));
        NDList predictions =
            run.graph()
                .forwardGated(
                    new FrozenParameterStore(modelTrainer.getManager()),
                    batch.getData(),
                    false,
                    (layer, input) -> gates.gate(layer, input, keep));
        NDArray loss = settings.loss().evaluate(batch.getLabels(), predictions);
        taskLoss = loss.getFloat();
        if (!Double.isFinite(taskLoss)) {
          throw new RunDiverged(
              String.format(
                  Locale.ROOT,
                  "the model's loss on held-out data is %s at step %d of %d",
                  taskLoss,
                  step,
                  settings.schedule().totalSteps()));
        }
        NDArray penaltyValue = penalty.value(cost.flopsRatio(plain.hard()));
        // A tensor weight, not a Java number: autograd keeps it for the backward pass, and a
        // number's tensor is freed memory by then (see Scalars).
        collector.backward(
            loss.add(
                penaltyValue.mul(Scalars.like(penaltyValue, settings.config().resourceWeight()))));
        resource = penaltyValue.getFloat();
      }
    } finally {
      batch.close();
    }
    boolean applied = gradientsFinite();
    if (applied) {
      // Outside the NDScope: AdamW makes its moment arrays in the first step (docs/djl-notes.md).
      trainer.step();
    } else {
      // Seen here about once in a dozen small runs, at one step and never again (see
      // docs/djl-notes.md): a non-finite gradient would poison AdamW's moments for good, so the
      // update is skipped instead.
      clearGradients();
      skippedUpdates++;
      LOG.warn(
          "controller gradient not finite at step {}: update skipped ({} so far)",
          step,
          skippedUpdates);
    }
    mask = run.groups().keepingEveryLayer(currentMask());
    return new ControllerUpdate(
        step,
        taskLoss,
        resource,
        run.cost().prunableFlops(mask.toKeepVector()) / run.cost().prunableFlops(),
        mask.prunedCount(),
        applied);
  }

  private boolean gradientsFinite() {
    try (NDScope ignored = new NDScope()) {
      for (ai.djl.nn.Parameter parameter : model.getBlock().getParameters().values()) {
        if (parameter.requiresGradient()
            && !Float.isFinite(parameter.getArray().getGradient().sum().getFloat())) {
          return false;
        }
      }
      return true;
    }
  }

  private void clearGradients() {
    try (NDScope ignored = new NDScope()) {
      for (ai.djl.nn.Parameter parameter : model.getBlock().getParameters().values()) {
        if (parameter.requiresGradient()) {
          InPlace.zero(parameter.getArray().getGradient());
        }
      }
    }
  }

  /**
   * Reads and drops the held-out batch an update would take: a run resumed within an epoch replays
   * its updates' reads so that the next update meets the batch it met before.
   */
  void skipHeldOutBatch() {
    nextHeldOutBatch().close();
  }

  private Batch nextHeldOutBatch() {
    if (heldOutBatches == null || !heldOutBatches.hasNext()) {
      heldOutBatches = Batches.of(modelTrainer, settings.heldOut(), "controller").iterator();
    }
    return heldOutBatches.next();
  }

  @Override
  public void close() {
    try (Model ignoredModel = model;
        Trainer ignoredTrainer = trainer;
        DifferentiableCost ignoredCost = cost;
        ChannelGates ignoredGates = gates) {
      // closes all four, last first
    }
  }
}
