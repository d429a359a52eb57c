package dev.ato.djl;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;
import ai.djl.training.evaluator.Evaluator;
import ai.djl.translate.TranslateException;
import com.google.common.collect.ImmutableList;
import dev.ato.config.AtoConfig;
import dev.ato.controller.FlopsBudget;
import dev.ato.controller.ResourceLoss;
import dev.ato.cost.CostModel;
import dev.ato.cost.FlopsTarget;
import dev.ato.djl.data.HeldOutSplit;
import dev.ato.djl.engine.ChannelBlocks;
import dev.ato.djl.engine.DjlInternals;
import dev.ato.djl.engine.EngineCheck;
import dev.ato.djl.graph.ModelGraph;
import dev.ato.djl.graph.ModelReader;
import dev.ato.djl.graph.ReadOptions;
import dev.ato.groups.GroupSet;
import dev.ato.groups.ZeroInvariantGroups;
import dev.ato.schedule.TrainingSchedule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link AutoTrainOnceBuilder#build()}'s work, in named steps: check the options, split the data,
 * size the schedule, initialise and read the model, find its groups and costs, check the first
 * record against the model, and resolve the run's settings. Every check runs before any training,
 * so a bad input fails with a message that names it.
 */
final class RunPreparation {

  private static final Logger LOG = LoggerFactory.getLogger(RunPreparation.class);

  /** The paper's learning rate of the controller's AdamW. */
  static final double PAPER_CONTROLLER_LEARNING_RATE = 1e-3;

  private final AutoTrainOnceBuilder request;
  private final AtoConfig config;

  private RunPreparation(AutoTrainOnceBuilder request, AtoConfig config) {
    this.request = request;
    this.config = config;
  }

  static RunContext prepare(AutoTrainOnceBuilder request) {
    checkRequired(request);
    AtoConfig config = request.config();
    checkArgument(
        request.controllerData == null || config.controllerDataFraction().isEmpty(),
        "both optControllerData and optControllerDataFraction were given: a separate "
            + "controller data set replaces the held-out fraction; give one of them");
    EngineCheck.requireCorrect();
    if (request.checkpoints != null) {
      RunCheckpointing.open(request.checkpoints);
    }
    return new RunPreparation(request, config).prepare();
  }

  private static void checkRequired(AutoTrainOnceBuilder request) {
    checkState(
        request.model != null || request.block != null,
        "setModel(...) or setBlock(...) is required");
    checkState(request.inputShape != null, "setInputShape(...) is required");
    checkState(request.trainingData != null, "setTrainingData(...) is required");
    checkArgument(request.trainingData.size() > 0, "the training data set is empty");
    checkArgument(
        request.trainingConfig == null
            || (request.optimizer == null
                && request.optimizerForSteps == null
                && request.loss == null
                && request.device == null
                && request.trainingListeners.isEmpty()),
        "a TrainingConfig was given together with optOptimizer, optLoss, optDevice or "
            + "addTrainingListeners: give those in the TrainingConfig or as options, not both");
  }

  private RunContext prepare() {
    DataParts data = splitData();
    long stepsPerEpoch = batchesPerEpoch(data.train());
    TrainingSchedule schedule = config.schedule(stepsPerEpoch * config.epochs());
    TrainingSetup setup = TrainingSetup.of(request, schedule.totalSteps());
    boolean ownsModel = request.model == null;
    checkArgument(
        ownsModel || setup.device().equals(request.model.getNDManager().getDevice()),
        "model '%s' lives on %s but the run is asked to train on %s: create the model on the "
            + "device to train on (Model.newInstance(name, device))",
        ownsModel ? "" : request.model.getName(),
        ownsModel ? null : request.model.getNDManager().getDevice(),
        setup.device());
    Model model = ownsModel ? Model.newInstance("ato-model", setup.device()) : request.model;
    try {
      if (ownsModel) {
        model.setBlock(request.block);
      }
      // The initial weights are the run's first random draw: seeded here, not in fit(), so
      // that the same seed gives the same model whatever the JVM computed before.
      Engine.getInstance().setRandomSeed(RunSeeds.engineSeed(config.seed()));
      initialise(model, setup);
      ModelGraph graph =
          ModelReader.read(
              model.getBlock(),
              request.inputShape,
              model.getName(),
              request.readOptions != null ? request.readOptions : ReadOptions.defaults());
      GroupSet groups = ZeroInvariantGroups.find(graph.graph(), config.groupOptions());
      CostModel cost = CostModel.of(graph.graph(), groups);
      FlopsTarget target = cost.targetForReduction(config.flopsReduction());
      ResourceLoss.forTarget(target.prunableRatio());
      boolean classification = Validation.isClassification(setup.loss());
      checkFirstRecord(graph, model, classification);
      RunSettings settings = settings(setup, data, classification, stepsPerEpoch, schedule);
      LOG.info(
          "ATO on '{}': {} groups in {} blocks, {} MACs of which {} prunable; removing "
              + "{} of all MACs keeps p = {} of the prunable part; {} steps ({} per epoch), "
              + "validation metric {}",
          graph.graph().name(),
          groups.size(),
          groups.blocks().size(),
          cost.flops(),
          cost.prunableFlops(),
          config.flopsReduction(),
          String.format(Locale.ROOT, "%.4f", target.prunableRatio()),
          schedule.totalSteps(),
          stepsPerEpoch,
          settings.metric().getName());
      return new RunContext(
          model,
          ownsModel,
          graph,
          groups,
          cost,
          target,
          FlopsBudget.of(cost, groups, target, config.flopsTolerance()),
          settings);
    } catch (RuntimeException e) {
      if (ownsModel) {
        model.close();
      }
      throw e;
    }
  }

  /** The run's settings: the configuration with what ato resolves for this run. */
  private RunSettings settings(
      TrainingSetup setup,
      DataParts data,
      boolean classification,
      long stepsPerEpoch,
      TrainingSchedule schedule) {
    Evaluator metric =
        Validation.metric(request.validationMetric, setup.evaluators(), setup.loss());
    ImmutableList<Evaluator> evaluators =
        setup.evaluators().contains(metric) || metric == setup.loss()
            ? setup.evaluators()
            : ImmutableList.<Evaluator>builder().addAll(setup.evaluators()).add(metric).build();
    ChannelRounding rounding =
        config.channelMultiple().isPresent()
            ? ChannelRounding.requested(config.channelMultiple().getAsInt())
            : automaticRounding(setup.device());
    double controllerLearningRate =
        config.controllerLearningRate().orElse(PAPER_CONTROLLER_LEARNING_RATE);
    return new RunSettings(
        config,
        setup.loss(),
        setup.optimizer(),
        setup.device(),
        evaluators,
        metric,
        setup.listeners(),
        setup.executor(),
        setup.initializers(),
        data.train(),
        data.heldOut(),
        data.heldOutIndices(),
        request.validationData,
        classification,
        stepsPerEpoch,
        schedule,
        rounding,
        controllerLearningRate,
        DjlInternals.learningRateTracker(setup.optimizer()),
        DjlInternals.beginNumUpdate(setup.optimizer()) + 1,
        ImmutableList.copyOf(request.listeners),
        request.checkpoints);
  }

  /** The engine's channel block on {@code device}, which kept channels are rounded to. */
  private static ChannelRounding automaticRounding(Device device) {
    ChannelBlocks.Block block = ChannelBlocks.of(device);
    return new ChannelRounding(block.channels(), true, block.why());
  }

  /** The model's and the controller's training records. */
  private DataParts splitData() {
    RandomAccessDataset trainingData = request.trainingData;
    if (request.controllerData != null) {
      checkArgument(request.controllerData.size() > 0, "the controller data set is empty");
      return new DataParts(trainingData, request.controllerData, ImmutableList.of());
    }
    double heldOut =
        config.controllerDataFraction().orElse(AtoConfig.DEFAULT_CONTROLLER_DATA_FRACTION);
    long size = trainingData.size();
    checkArgument(
        Math.round(heldOut * size) >= 1 && Math.round(heldOut * size) < size,
        "holding out %s of %s training records for the controller leaves one part empty; "
            + "use more data, another optControllerDataFraction or optControllerData",
        heldOut,
        (Object) size);
    HeldOutSplit split = HeldOutSplit.of(trainingData, heldOut, config.seed());
    return new DataParts(
        split.train(), split.heldOut(), ImmutableList.copyOf(split.heldOutIndices()));
  }

  private record DataParts(
      RandomAccessDataset train, RandomAccessDataset heldOut, ImmutableList<Long> heldOutIndices) {}

  private void initialise(Model owner, TrainingSetup setup) {
    Block block = owner.getBlock();
    if (block.isInitialized()) {
      if (!setup.initializers().isEmpty()) {
        LOG.info(
            "model '{}' is initialised already (trained, or loaded): the training "
                + "config's initializers leave its parameters as they are",
            owner.getName());
      }
      return;
    }
    // As DJL's Trainer would, but now: the model is read before any trainer exists.
    setup.initializers().forEach(pair -> block.setInitializer(pair.getKey(), pair.getValue()));
    Shape inputShape = request.inputShape;
    checkArgument(
        inputShape.dimension() >= 2,
        "the input shape must have a batch axis and at least one more, found %s",
        inputShape);
    try {
      block.initialize(owner.getNDManager(), DataType.FLOAT32, inputShape);
    } catch (RuntimeException e) {
      // DJL and the engine report a misfit shape in many ways (EngineException,
      // UnsupportedOperationException for a layout...); all mean the same to the user.
      throw new IllegalArgumentException(
          "the input shape "
              + inputShape
              + " does not fit "
              + "model '"
              + owner.getName()
              + "': "
              + firstLine(e),
          e);
    }
  }

  /**
   * Fails before training when the first training record does not fit the model: a wrong input
   * shape, or for a classifier a label beyond its outputs, would otherwise surface as a libtorch
   * error in the first step. The record is read as training reads it, through the data set's
   * transforms and batchifier (a batch of one, in order: no random draw).
   */
  private void checkFirstRecord(ModelGraph graph, Model owner, boolean classification) {
    Shape inputShape = request.inputShape;
    try (NDManager manager = owner.getNDManager().newSubManager();
        Batch first = firstRecord(manager)) {
      Shape sample = first.getData().singletonOrThrow().getShape().slice(1);
      checkArgument(
          sample.equals(inputShape.slice(1)),
          "the training data's records have shape %s but the input shape is %s per sample "
              + "(%s with the batch axis)",
          sample,
          inputShape.slice(1),
          inputShape);
      NDList labels = first.getLabels();
      if (!classification || labels.size() != 1 || labels.singletonOrThrow().size() != 1) {
        return;
      }
      int classes =
          graph.graph().node(graph.graph().outputs().iterator().next()).output().channels();
      float label = labels.singletonOrThrow().toType(DataType.FLOAT32, false).getFloat();
      checkArgument(
          label >= 0 && label < classes && label == Math.rint(label),
          "the first training record's label is %s, but the model has %s outputs: labels "
              + "must be class indices 0..%s",
          label,
          classes,
          classes - 1);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the training data", e);
    } catch (TranslateException e) {
      throw new IllegalArgumentException(
          "cannot read the training data: its transforms "
              + "failed on the first record: "
              + e.getMessage(),
          e);
    }
  }

  private Batch firstRecord(NDManager manager) throws IOException, TranslateException {
    Sampler firstOnly =
        new Sampler() {
          @Override
          public Iterator<List<Long>> sample(RandomAccessDataset dataset) {
            return List.of(List.of(0L)).iterator();
          }

          @Override
          public int getBatchSize() {
            return 1;
          }
        };
    return request.trainingData.getData(manager, firstOnly).iterator().next();
  }

  /**
   * Batches per epoch, counted from the data set's sampler (index lists only, no data read), so
   * that a sampler that drops the last partial batch is counted right.
   */
  private static long batchesPerEpoch(RandomAccessDataset data) {
    long batches = 0;
    Iterator<List<Long>> indices = DjlInternals.sampler(data).sample(data);
    while (indices.hasNext()) {
      indices.next();
      batches++;
    }
    checkArgument(
        batches > 0,
        "the training data gives no batch: %s records remain after "
            + "holding out the controller's share, fewer than one batch; use more data or a "
            + "smaller batch",
        data.size());
    return batches;
  }

  private static String firstLine(Exception e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
