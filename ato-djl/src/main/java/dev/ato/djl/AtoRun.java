package dev.ato.djl;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.TrainingResult;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.listener.EvaluatorTrainingListener;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import com.google.common.base.Stopwatch;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.ato.controller.FlopsBudget;
import dev.ato.controller.ResourceLoss;
import dev.ato.djl.AtoListener.ControllerUpdate;
import dev.ato.djl.controller.ControllerNetwork;
import dev.ato.djl.controller.DifferentiableCost;
import dev.ato.djl.controller.GumbelMask;
import dev.ato.djl.controller.ResourcePenalty;
import dev.ato.djl.data.HeldOutSplit;
import dev.ato.djl.engine.NoGrad;
import dev.ato.djl.graph.ModelGraph;
import dev.ato.djl.groups.GroupZeroing;
import dev.ato.djl.subnet.CompressedModel;
import dev.ato.djl.tensor.InPlace;
import dev.ato.djl.tensor.NDArrayOps;
import dev.ato.graph.Layer;
import dev.ato.graph.Node;
import dev.ato.groups.Group;
import dev.ato.groups.GroupMask;
import dev.ato.groups.GroupSet;
import dev.ato.groups.Slice;
import dev.ato.projection.GroupNorms;
import dev.ato.projection.ParameterSource;
import dev.ato.projection.ProjectionStep;
import dev.ato.projection.Projector;
import dev.ato.schedule.LambdaSchedule;
import dev.ato.schedule.TrainingSchedule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of Algorithm 1 (spec section 4). All mutable state of a run lives here: the schedule,
 * the current mask, the controller and its trainer, the held-out data iterator.
 */
final class AtoRun {

  private static final Logger LOG = LoggerFactory.getLogger(AtoRun.class);
  private static final float CONTROLLER_WEIGHT_DECAY = 1e-2f;

  private final AutoTrainOnce ato;
  private final AutoTrainOnce.Builder settings;
  private final ModelGraph graph;
  private final GroupSet groups;
  private final List<AtoListener> listeners;
  private final Projector projector;
  private final GroupNorms norms;
  private final LambdaSchedule lambda;
  private final SplittableRandom random;
  private final List<EpochMetrics> epochs = new ArrayList<>();
  private final List<ControllerUpdate> updates = new ArrayList<>();

  private final FlopsBudget budget;

  private TrainingSchedule schedule;
  private double controllerLearningRate;
  private BudgetOutcome outcome;
  private GroupMask mask;
  private Iterator<Batch> heldOutBatches;
  private int skippedUpdates;

  AtoRun(AutoTrainOnce ato) {
    this.ato = ato;
    this.settings = ato.settings;
    this.graph = ato.graph;
    this.groups = ato.groups;
    this.listeners = settings.listeners();
    Projection projection = settings.projection();
    this.projector = projection.create(groups);
    this.norms = GroupNorms.of(groups);
    this.lambda = projection.lambda();
    this.random = new SplittableRandom(settings.seed());
    this.mask = GroupMask.allKept(groups.size());
    this.budget = ato.budget;
  }

  AtoResult run() {
    // DJL's random sampler and dropout draw from the engine's generator.
    Engine.getInstance().setRandomSeed(Math.toIntExact(settings.seed() & 0x7fffffff));
    HeldOutSplit split = HeldOutSplit.of(settings.trainingData,
        settings.controllerDataFraction(), settings.seed());
    start(batchesPerEpoch(split.train()));
    Device device = settings.device();
    DefaultTrainingConfig config = new DefaultTrainingConfig(settings.loss())
        .optOptimizer(settings.optimizer())
        .optDevices(new Device[] {device})
        .addEvaluator(new Accuracy())
        .addTrainingListeners(new EvaluatorTrainingListener());
    settings.trainingListeners.forEach(config::addTrainingListeners);
    try (Trainer trainer = ato.model.newTrainer(config);
        Model controllerModel = Model.newInstance("ato-controller", device)) {
      trainer.initialize(graph.inputShape());
      ControllerNetwork controller = ControllerNetwork.forGroups(groups, settings.seed());
      controllerModel.setBlock(controller);
      DefaultTrainingConfig controllerConfig = new DefaultTrainingConfig(Loss.l2Loss())
          .optDevices(new Device[] {device})
          .optOptimizer(Optimizer.adamW()
              .optLearningRateTracker(Tracker.fixed((float) controllerLearningRate))
              .optWeightDecays(CONTROLLER_WEIGHT_DECAY).build());
      try (Trainer controllerTrainer = controllerModel.newTrainer(controllerConfig);
          DifferentiableCost cost = DifferentiableCost.of(ato.cost, trainer.getManager());
          ChannelGates gates = new ChannelGates(graph, groups, trainer.getManager())) {
        controllerTrainer.initialize();
        Controller parts = new Controller(controllerTrainer, cost, gates,
            ResourcePenalty.of(ResourceLoss.forTarget(ato.target.prunableRatio())));
        mask = parts.currentMask();
        train(trainer, split, parts);
      }
      return finish(trainer);
    }
  }

  /** What the controller step needs, made once per run. */
  private record Controller(Trainer trainer, DifferentiableCost cost, ChannelGates gates,
      ResourcePenalty penalty) {
    GroupMask currentMask() {
      try (NDScope ignored = new NDScope(); NoGrad noGrad = NoGrad.enter()) {
        NDArray logits = trainer.forward(new NDList()).singletonOrThrow();
        return GumbelMask.defaults().noiseless(logits).groupMask();
      }
    }

    /** The controller's logits: how much it wants to keep each group. */
    double[] scores() {
      try (NDScope ignored = new NDScope(); NoGrad noGrad = NoGrad.enter()) {
        float[] logits = trainer.forward(new NDList()).singletonOrThrow().toFloatArray();
        double[] scores = new double[logits.length];
        for (int g = 0; g < logits.length; g++) {
          scores[g] = logits[g];
        }
        return scores;
      }
    }
  }

  private void train(Trainer trainer, HeldOutSplit split, Controller controller) {
    long step = 0;
    for (int epoch = 1; epoch <= settings.epochs; epoch++) {
      Stopwatch watch = Stopwatch.createStarted();
      for (Batch batch : iterate(trainer, split.train())) {
        boolean project = schedule.projects(step) && mask.prunedCount() > 0;
        try (NDManager snapshot = trainer.getManager().newSubManager()) {
          Optional<ParameterSource<NDArray>> before = project && projector.needsValuesBeforeStep()
              ? Optional.of(snapshot(snapshot)) : Optional.empty();
          EasyTrain.trainBatch(trainer, batch);
          trainer.step();
          if (project) {
            double learningRate = ato.learningRate.getNewValue("ato",
                ato.firstUpdate + (int) step);
            long projectionsLeft = schedule.maskFrozen(step) ? schedule.totalSteps() - step : 0;
            projector.projectInPlace(NDArrayOps.INSTANCE, new ProjectionStep<>(
                graph.parameterArrays(), before, mask, learningRate, lambda.at(step, schedule),
                projectionsLeft));
          }
        } finally {
          batch.close();
        }
        if (schedule.trainsController(step)) {
          updateController(trainer, split, controller, step);
        }
        if (step == schedule.controllerEndStep()) {
          freezeMask(controller, step);
        }
        long done = step;
        AtoListener.StepInfo info = new AtoListener.StepInfo() {
          @Override
          public long step() {
            return done;
          }

          @Override
          public long totalSteps() {
            return schedule.totalSteps();
          }

          @Override
          public int liveArrays() {
            return ato.model.getNDManager().getManagedArrays().size()
                + controller.trainer().getModel().getNDManager().getManagedArrays().size();
          }
        };
        listeners.forEach(l -> l.onStep(info));
        step++;
      }
      double validation = settings.validationData == null ? Double.NaN
          : accuracy(graph.block(), settings.validationData, trainer.getManager());
      trainer.notifyListeners(listener -> listener.onEpoch(trainer));
      TrainingResult result = trainer.getTrainingResult();
      EpochMetrics metrics = new EpochMetrics(epoch, step, orNaN(result.getTrainLoss()),
          orNaN(result.getTrainEvaluation("Accuracy")), validation, mask.prunedCount(),
          ato.cost.flops(mask) / ato.cost.flops(), largestPrunedNorm(),
          watch.elapsed(TimeUnit.MILLISECONDS) / 1e3);
      epochs.add(metrics);
      LOG.info("epoch {}/{}: loss {}, train accuracy {}, validation accuracy {}, {} of {} groups "
              + "pruned (largest norm {}), {} of the FLOPs kept, {} s", epoch, settings.epochs,
          format(metrics.trainLoss()), format(metrics.trainAccuracy()),
          format(metrics.validationAccuracy()), metrics.prunedGroups(), groups.size(),
          format(metrics.prunedGroupNorm()), format(metrics.flopsRatio()),
          format(metrics.seconds()));
      listeners.forEach(l -> l.onEpoch(metrics));
    }
    if (outcome == null) {
      // The window reached past the last step (controllerEnd = 1).
      freezeMask(controller, step - 1);
    }
  }

  /**
   * The end of the controller window: the mask freezes. A mask outside the budget's tolerance
   * is brought to it by the controller's scores unless told otherwise; a mask still outside it
   * is a miss, reported loudly, or an error when the run was told to fail on one.
   */
  private void freezeMask(Controller controller, long step) {
    double reached = budget.reduction(mask);
    int pruned = 0;
    int restored = 0;
    BudgetOutcome.Kind kind = BudgetOutcome.Kind.REACHED_BY_CONTROLLER;
    if (!budget.isMet(mask)) {
      kind = BudgetOutcome.Kind.MISSED;
      if (settings.budgetCorrection()) {
        FlopsBudget.Correction correction = budget.correct(mask, controller.scores());
        mask = correction.mask();
        pruned = correction.pruned().length();
        restored = correction.restored().length();
        if (budget.isMet(mask)) {
          kind = BudgetOutcome.Kind.CORRECTED;
        }
      }
    }
    outcome = new BudgetOutcome(kind, budget.target(), budget.tolerance(), step, reached,
        budget.reduction(mask), pruned, restored);
    listeners.forEach(l -> l.onMaskFrozen(outcome));
    if (outcome.met()) {
      LOG.info("mask frozen at step {}: FLOPs {}", step, outcome);
      return;
    }
    String message = missedMessage(outcome);
    LOG.warn(message);
    if (settings.failOnMissedTarget()) {
      throw new FlopsTargetMissedException(message, outcome);
    }
  }

  private String missedMessage(BudgetOutcome missed) {
    String fix = settings.budgetCorrection()
        ? String.format(java.util.Locale.ROOT, "correcting the mask by the controller's scores "
            + "got no closer than -%.1f%%: the groups are too coarse for the tolerance; allow a "
            + "larger optFlopsTolerance or ask for a reduction nearer -%.1f%%",
            100 * missed.reduction(), 100 * missed.reduction())
        : "the controller did not get there in its window: leave optBudgetCorrection on, or give "
            + "the controller more updates (optControllerUpdates, optControllerLearningRate) or "
            + "the run more steps";
    return String.format(java.util.Locale.ROOT, "FLOPs target missed: asked for -%.1f%% (+- %.1f "
            + "points), the mask frozen at step %d of %d removes -%.1f%%, so the compressed model "
            + "will too; %s", 100 * missed.target(), 100 * missed.tolerance(), missed.step(),
        schedule.totalSteps(), 100 * missed.reduction(), fix);
  }

  /**
   * Batches per epoch, counted from the data set's sampler (index lists only, no data read), so
   * that a sampler that drops the last partial batch is counted right.
   */
  private static long batchesPerEpoch(RandomAccessDataset data) {
    long batches = 0;
    try {
      Field field = RandomAccessDataset.class.getDeclaredField("sampler");
      field.setAccessible(true);
      Iterator<List<Long>> indices = ((Sampler) field.get(data)).sample(data);
      while (indices.hasNext()) {
        indices.next();
        batches++;
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("cannot count the batches of the training data: "
          + e.getMessage(), e);
    }
    if (batches == 0) {
      throw new IllegalArgumentException("the training data gives no batch: " + data.size()
          + " records remain after holding out the controller's share, fewer than one batch; "
          + "use more data or a smaller batch");
    }
    return batches;
  }

  private void start(long batchesPerEpoch) {
    schedule = settings.schedule(batchesPerEpoch * settings.epochs);
    controllerLearningRate = settings.controllerLearningRate(schedule);
    LOG.info("ATO schedule: {}; controller learning rate {}", schedule,
        String.format(java.util.Locale.ROOT, "%.3g", controllerLearningRate));
    AtoListener.RunInfo info = new AtoListener.RunInfo(groups.size(), groups.blocks().size(),
        schedule.totalSteps(), batchesPerEpoch, schedule.controllerStartStep(),
        schedule.warmupStep(), schedule.controllerEndStep(), schedule.controllerInterval(),
        schedule.controllerUpdates(), controllerLearningRate, ato.target.prunableRatio());
    listeners.forEach(l -> l.onStart(info));
  }

  /** Copies of the tensors that hold pruned groups, for projections that compare with them. */
  private ParameterSource<NDArray> snapshot(NDManager manager) {
    Map<String, NDArray> copies = new HashMap<>();
    for (Group group : groups.groups()) {
      if (mask.isKept(group.id())) {
        continue;
      }
      for (Slice slice : group.trainableMembers()) {
        copies.computeIfAbsent(slice.layer() + "\u0000" + slice.parameter(), key -> {
          NDArray copy = graph.parameter(slice.layer(), slice.parameter()).getArray()
              .duplicate();
          copy.attach(manager);
          return copy;
        });
      }
    }
    return (layer, parameter) -> copies.get(layer + "\u0000" + parameter);
  }

  /**
   * Spec section 4, step 3: on a held-out batch, with the model frozen in inference mode and
   * its group channels gated by the controller's soft (noisy) mask, minimise cross-entropy plus
   * the weighted FLOPs penalty of the hard mask; then recompute the hard mask. The hard mask is
   * the noiseless one ({@code s = 0}): it is the mask ATO prunes with, so the penalty steers it
   * and not a noisy sample of it.
   */
  private void updateController(Trainer trainer, HeldOutSplit split, Controller controller,
      long step) {
    Batch batch = nextHeldOutBatch(trainer, split);
    double crossEntropy;
    double penalty;
    double ratio;
    try (NDScope ignored = new NDScope()) {
      try (GradientCollector collector = controller.trainer().newGradientCollector()) {
        NDArray logits = controller.trainer().forward(new NDList()).singletonOrThrow();
        if (!Double.isFinite(logits.abs().max().getFloat())) {
          throw new IllegalStateException(String.format(java.util.Locale.ROOT,
              "the controller diverged: its logits are not finite at step %d of %d", step,
              schedule.totalSteps()));
        }
        GumbelMask.Sample noisy = GumbelMask.defaults().sample(logits, random);
        GumbelMask.Sample plain = GumbelMask.defaults().noiseless(logits);
        NDArray keep = noisy.soft().concat(noisy.soft().getManager().ones(new ai.djl.ndarray
            .types.Shape(1), noisy.soft().getDataType()));
        NDList predictions = graph.forwardGated(new FrozenParameterStore(
                trainer.getManager()), batch.getData(), false,
            (layer, input) -> controller.gates().gate(layer, input, keep));
        NDArray loss = settings.loss().evaluate(batch.getLabels(), predictions);
        crossEntropy = loss.getFloat();
        if (!Double.isFinite(crossEntropy)) {
          throw new IllegalStateException(String.format(java.util.Locale.ROOT,
              "training diverged: the model's loss on held-out data is %s at step %d of %d; "
                  + "lower the learning rate", crossEntropy, step, schedule.totalSteps()));
        }
        NDArray r = controller.cost().flopsRatio(plain.hard());
        NDArray resource = controller.penalty().value(r);
        NDArray total = loss.add(resource.mul((float) settings.resourceWeight()));
        collector.backward(total);
        penalty = resource.getFloat();
        ratio = r.getFloat();
      }
    } finally {
      batch.close();
    }
    boolean applied = gradientsFinite(controller.trainer());
    if (applied) {
      controller.trainer().step();
    } else {
      // Seen here about once in a dozen small runs, at one step and never again (see
      // docs/djl-notes.md): a non-finite gradient would poison AdamW's moments for good, so the
      // update is skipped instead.
      clearGradients(controller.trainer());
      skippedUpdates++;
      LOG.warn("controller gradient not finite at step {}: update skipped ({} so far)", step,
          skippedUpdates);
    }
    mask = groups.keepingEveryLayer(controller.currentMask());
    ControllerUpdate update = new ControllerUpdate(step, crossEntropy, penalty,
        ato.cost.prunableFlops(mask.toKeepVector()) / ato.cost.prunableFlops(),
        mask.prunedCount(), applied);
    updates.add(update);
    LOG.debug("controller at step {}: CE {}, R {} (r before {}), {} groups pruned, r {}", step,
        format(crossEntropy), format(penalty), format(ratio), update.prunedGroups(),
        format(update.flopsRatio()));
    listeners.forEach(l -> l.onControllerUpdate(update));
  }

  private static boolean gradientsFinite(Trainer trainer) {
    try (NDScope ignored = new NDScope()) {
      for (ai.djl.nn.Parameter parameter : trainer.getModel().getBlock().getParameters().values()) {
        if (parameter.requiresGradient()
            && !Float.isFinite(parameter.getArray().getGradient().sum().getFloat())) {
          return false;
        }
      }
      return true;
    }
  }

  private static void clearGradients(Trainer trainer) {
    try (NDScope ignored = new NDScope()) {
      for (ai.djl.nn.Parameter parameter : trainer.getModel().getBlock().getParameters().values()) {
        if (parameter.requiresGradient()) {
          InPlace.zero(parameter.getArray().getGradient());
        }
      }
    }
  }

  private Batch nextHeldOutBatch(Trainer trainer, HeldOutSplit split) {
    if (heldOutBatches == null || !heldOutBatches.hasNext()) {
      heldOutBatches = iterate(trainer, split.heldOut()).iterator();
    }
    return heldOutBatches.next();
  }

  /** The largest L2 norm among the groups the mask prunes, 0 when none is pruned. */
  private double largestPrunedNorm() {
    double[] values = norms.compute(NDArrayOps.INSTANCE, graph.parameterArrays());
    double largest = 0;
    for (int g = 0; g < values.length; g++) {
      if (!mask.isKept(g)) {
        largest = Math.max(largest, values[g]);
      }
    }
    return largest;
  }

  private AtoResult finish(Trainer trainer) {
    double normBeforeCut = largestPrunedNorm();
    if (normBeforeCut > 0) {
      LOG.warn("the pruned groups were not all at zero when training ended (largest norm {}); "
          + "they are set to zero now, which changes the dense model's outputs: train longer "
          + "after the controller window or use group lasso", format(normBeforeCut));
    }
    List<Group> pruned = new ArrayList<>();
    groups.groups().forEach(g -> {
      if (!mask.isKept(g.id())) {
        pruned.add(g);
      }
    });
    // The last projection left them at zero already; this makes "masked" exact, not nearly.
    GroupZeroing.zeroInPlace(graph, pruned);
    CompressedModel compressed = CompressedModel.compress(graph, groups, mask);
    double masked = Double.NaN;
    double small = Double.NaN;
    if (settings.validationData != null) {
      masked = accuracy(graph.block(), settings.validationData, trainer.getManager());
      small = accuracy(compressed.block(), settings.validationData, trainer.getManager());
    }
    Map<String, AtoResult.LayerChannels> channels = new LinkedHashMap<>();
    for (Node node : graph.graph().nodes()) {
      if (node.layer() instanceof Layer.Conv2d || node.layer() instanceof Layer.Linear) {
        channels.put(node.name(), new AtoResult.LayerChannels(node.output().channels(),
            compressed.graph().node(node.name()).output().channels()));
      }
    }
    AtoResult result = new AtoResult(compressed, compressed.mask().orElseThrow(), ato.target,
        ImmutableMap.copyOf(channels), ato.cost.flops(), compressed.cost().flops(),
        ato.cost.parameters(), compressed.cost().parameters(), outcome, normBeforeCut, masked,
        small, ImmutableList.copyOf(epochs), ImmutableList.copyOf(updates));
    LOG.info("ATO done: {}", result.summary());
    return result;
  }

  /** Top-1 accuracy of {@code block} on {@code data}, in inference mode with autograd off. */
  static double accuracy(Block block, Dataset data, NDManager parent) {
    long correct = 0;
    long total = 0;
    try (NDManager manager = parent.newSubManager(); NoGrad ignored = NoGrad.enter()) {
      ParameterStore store = new ParameterStore(manager, false);
      for (Batch batch : data.getData(manager)) {
        try (batch) {
          NDArray predicted = block.forward(store, batch.getData(), false).singletonOrThrow()
              .argMax(1);
          NDArray labels = batch.getLabels().singletonOrThrow().toType(predicted.getDataType(),
              false).reshape(predicted.getShape());
          correct += predicted.eq(labels).sum().getLong();
          total += predicted.size();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the validation data", e);
    } catch (TranslateException e) {
      throw new IllegalStateException("cannot read the validation data: " + e.getMessage(), e);
    }
    return total == 0 ? Double.NaN : (double) correct / total;
  }

  private static Iterable<Batch> iterate(Trainer trainer, Dataset data) {
    try {
      return trainer.iterateDataset(data);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the training data", e);
    } catch (TranslateException e) {
      throw new IllegalStateException("cannot read the training data: " + e.getMessage(), e);
    }
  }

  private static double orNaN(Float value) {
    return value == null ? Double.NaN : value;
  }

  private static String format(double value) {
    return String.format(java.util.Locale.ROOT, "%.4f", value);
  }
}
