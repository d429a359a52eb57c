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
import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;
import ai.djl.training.TrainingConfig;
import ai.djl.training.evaluator.Evaluator;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.translate.TranslateException;
import com.google.common.collect.ImmutableList;
import dev.ato.controller.FlopsBudget;
import dev.ato.controller.ResourceLoss;
import dev.ato.cost.CostModel;
import dev.ato.cost.FlopsTarget;
import dev.ato.djl.data.HeldOutSplit;
import dev.ato.djl.engine.DjlInternals;
import dev.ato.djl.engine.ChannelBlocks;
import dev.ato.djl.engine.EngineCheck;
import dev.ato.djl.graph.ModelGraph;
import dev.ato.djl.graph.ModelReader;
import dev.ato.djl.graph.ReadOptions;
import dev.ato.groups.GroupOptions;
import dev.ato.groups.GroupSet;
import dev.ato.groups.ZeroInvariantGroups;
import dev.ato.schedule.TrainingSchedule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Auto-Train-Once (Wu, Gao et al., "Auto-Train-Once: Controller Network Guided Automatic Network
 * Pruning from Scratch", CVPR 2024) on a DJL model: one training run that trains the model, lets
 * a controller network choose which zero-invariant groups to drop under a FLOPs budget, drives
 * the dropped groups to zero, and hands back a physically smaller network that needs no
 * fine-tuning.
 *
 * <p>Lifecycle, as for a DJL {@code Trainer}:
 * <ol>
 *   <li>{@link #builder()} collects the model, data, budget and options;</li>
 *   <li>{@link Builder#build()} checks all of them before any training: it initialises the
 *       model for the input shape, reads its channel-flow graph, finds its groups and converts
 *       the budget, so a bad input fails here with a message that names it;</li>
 *   <li>{@link #fit()} runs Algorithm 1 of the paper and returns an {@link AtoResult};</li>
 *   <li>{@link #close()} frees the model ato made when it was given a bare {@link Block}.</li>
 * </ol>
 *
 * <pre>{@code
 * try (AutoTrainOnce ato = AutoTrainOnce.builder()
 *         .setModel(model)
 *         .setInputShape(new Shape(1, 1, 28, 28))
 *         .setTrainingData(train)
 *         .optValidationData(test)
 *         .setFlopsReduction(0.5)
 *         .setEpochs(10)
 *         .build();
 *     AtoResult result = ato.fit()) {
 *   result.compressed().save(Paths.get("build/compressed"));
 * }
 * }</pre>
 */
public final class AutoTrainOnce implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AutoTrainOnce.class);
  /** The paper's learning rate of the controller's AdamW. */
  static final double PAPER_CONTROLLER_LEARNING_RATE = 1e-3;
  /** The paper's weight of the FLOPs penalty in the controller's loss. */
  static final double DEFAULT_RESOURCE_WEIGHT = 4.0;
  /** The paper's share of the training data held out for the controller. */
  static final double DEFAULT_CONTROLLER_DATA_FRACTION = 0.05;
  static final long DEFAULT_SEED = 42L;

  final RunSettings settings;
  final Model model;
  final boolean ownsModel;
  final ModelGraph graph;
  final GroupSet groups;
  final CostModel cost;
  final FlopsTarget target;
  final FlopsBudget budget;
  private boolean fitted;

  private AutoTrainOnce(RunSettings settings, Model model, boolean ownsModel, ModelGraph graph,
      GroupSet groups, CostModel cost, FlopsTarget target, FlopsBudget budget) {
    this.settings = settings;
    this.model = model;
    this.ownsModel = ownsModel;
    this.graph = graph;
    this.groups = groups;
    this.cost = cost;
    this.target = target;
    this.budget = budget;
  }

  /** The seed of the engine's generator (DJL takes an int). */
  static int engineSeed(long seed) {
    return Math.toIntExact(seed & 0x7fffffff);
  }

  /**
   * A generator drawn from the run's seed and a position in the run (an epoch, a step) alone,
   * so that what is drawn there does not depend on what came before: a resumed run draws the
   * same as one never interrupted.
   */
  static SplittableRandom drawnFrom(long seed, long position) {
    return new SplittableRandom(seed ^ (position * 0x9E3779B97F4A7C15L));
  }

  /** Starts a builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The model's channel-flow graph as read by {@link Builder#build()}. */
  public ModelGraph graph() {
    return graph;
  }

  /** The prunable groups and controller blocks. */
  public GroupSet groups() {
    return groups;
  }

  /** The model's costs, whole and under a mask. */
  public CostModel cost() {
    return cost;
  }

  /** The FLOPs target, for the whole model and for its prunable part. */
  public FlopsTarget target() {
    return target;
  }

  /** The FLOPs budget the run must keep: the target and its tolerance. */
  public FlopsBudget budget() {
    return budget;
  }

  /**
   * The run's schedule: its total steps, when the controller trains, when projection starts and
   * when the mask freezes.
   */
  public TrainingSchedule schedule() {
    return settings.schedule();
  }

  /**
   * The optimiser steps {@link #fit()} will take: batches per epoch of the training data less
   * the controller's held-out share, times the epochs. For sizing a learning-rate schedule.
   */
  public long totalSteps() {
    return settings.schedule().totalSteps();
  }

  /** The model being trained and pruned: the user's, or the one ato made for a bare block. */
  public Model model() {
    return model;
  }

  /**
   * Runs ATO: trains the model and the controller, projects the pruned groups to zero, and cuts
   * them out. The user's model ends up holding the trained dense weights, pruned groups at zero.
   */
  public AtoResult fit() {
    checkState(!fitted, "fit() was already called: an ATO run trains its model once; build a "
        + "new AutoTrainOnce for another run");
    fitted = true;
    return new AtoRun(this).run();
  }

  /** Frees the model ato created for a bare block; a user's {@link Model} is left open. */
  @Override
  public void close() {
    if (ownsModel) {
      model.close();
    }
  }

  /**
   * Collects what an ATO run needs. {@code set*} options are required, {@code opt*} ones have
   * the paper's defaults; setting an option twice is an error, and {@link #build()} checks
   * everything, including the rules between options.
   */
  public static final class Builder {
    Model model;
    Block block;
    Shape inputShape;
    RandomAccessDataset trainingData;
    Dataset validationData;
    Double reduction;
    Integer epochs;
    Optimizer optimizer;
    Loss loss;
    Projection projection;
    MaskSource maskSource;
    Integer channelMultiple;
    double controllerStart = TrainingSchedule.DEFAULT_CONTROLLER_START;
    double warmup = TrainingSchedule.DEFAULT_WARMUP;
    double controllerEnd = TrainingSchedule.DEFAULT_CONTROLLER_END;
    boolean fractionsSet;
    Integer controllerInterval;
    Integer controllerUpdates;
    Double flopsTolerance;
    Boolean budgetCorrection;
    Boolean failOnMissedTarget;
    Double controllerDataFraction;
    Double resourceWeight;
    Double controllerLearningRate;
    Long seed;
    Device device;
    TrainingConfig trainingConfig;
    Evaluator validationMetric;
    RandomAccessDataset controllerData;
    GroupOptions groupOptions;
    ReadOptions readOptions;
    Checkpoints checkpoints;
    final List<TrainingListener> trainingListeners = new ArrayList<>();
    final List<AtoListener> listeners = new ArrayList<>();

    private Builder() {}

    /** Sets the DJL model to train and prune; its block may be uninitialised. Required (or {@link #setBlock}). */
    public Builder setModel(Model model) {
      checkState(this.model == null && block == null, "the model was already set");
      checkArgument(model != null, "the model must not be null");
      checkArgument(model.getBlock() != null, "model '%s' has no block; call setBlock on it "
          + "first", model.getName());
      this.model = model;
      return this;
    }

    /** Sets the block to train and prune; ato wraps it in a model it owns. Required (or {@link #setModel}). */
    public Builder setBlock(Block block) {
      checkState(model == null && this.block == null, "the model was already set");
      checkArgument(block != null, "the block must not be null");
      this.block = block;
      return this;
    }

    /** Sets the shape of one input batch, batch axis first, e.g. {@code (1, 3, 32, 32)}. Required. */
    public Builder setInputShape(Shape inputShape) {
      checkState(this.inputShape == null, "the input shape was already set to %s",
          this.inputShape);
      checkArgument(inputShape != null, "the input shape must not be null");
      this.inputShape = inputShape;
      return this;
    }

    /**
     * Sets the training data; {@link #optControllerDataFraction} of it is held out for the
     * controller. Its sampler sets the batch size. Required.
     */
    public Builder setTrainingData(RandomAccessDataset trainingData) {
      checkState(this.trainingData == null, "the training data was already set");
      checkArgument(trainingData != null, "the training data must not be null");
      this.trainingData = trainingData;
      return this;
    }

    /**
     * Sets data to score the run's metric on after each epoch, through DJL's validation path
     * (the trainer's evaluators and listeners hear it), and to score the result on.
     */
    public Builder optValidationData(Dataset validationData) {
      checkState(this.validationData == null, "the validation data was already set");
      this.validationData = validationData;
      return this;
    }

    /** Sets the share of the whole model's FLOPs to remove, in (0, 1), e.g. 0.55. Required. */
    public Builder setFlopsReduction(double reduction) {
      checkState(this.reduction == null, "the FLOPs reduction was already set to %s",
          this.reduction);
      this.reduction = reduction;
      return this;
    }

    /** Sets the number of epochs over the training data (less the held-out part). Required. */
    public Builder setEpochs(int epochs) {
      checkState(this.epochs == null, "the epochs were already set to %s", this.epochs);
      checkArgument(epochs >= 1, "train for at least 1 epoch, found %s", epochs);
      this.epochs = epochs;
      return this;
    }

    /**
     * Sets the model's optimiser, any of DJL's with any learning-rate tracker; its learning rate
     * is also the projection's step size. Default: SGD, learning rate 0.05, momentum 0.9,
     * weight decay 5e-4.
     */
    public Builder optOptimizer(Optimizer optimizer) {
      checkState(this.optimizer == null, "the optimizer was already set");
      checkArgument(optimizer != null, "the optimizer must not be null");
      this.optimizer = optimizer;
      return this;
    }

    /**
     * Sets the task loss. With softmax cross-entropy (the default) the model is a classifier:
     * labels are checked to be class indices and accuracy is the default metric; any other loss
     * makes the loss itself the default metric (see {@link #optValidationMetric}).
     */
    public Builder optLoss(Loss loss) {
      checkState(this.loss == null, "the loss was already set");
      checkArgument(loss != null, "the loss must not be null");
      this.loss = loss;
      return this;
    }

    /** Sets the projection. Default: {@link Projection#groupLasso()}. */
    public Builder optProjection(Projection projection) {
      checkState(this.projection == null, "the projection was already set");
      checkArgument(projection != null, "the projection must not be null");
      this.projection = projection;
      return this;
    }

    /**
     * Sets where the mask comes from. Default {@link MaskSource#CONTROLLER}, ATO itself;
     * {@link MaskSource#MAGNITUDE} is the same run with the groups chosen by their weights'
     * magnitude instead, a baseline to compare ATO with.
     */
    public Builder optMaskSource(MaskSource source) {
      checkState(maskSource == null, "the mask source was already set to %s", maskSource);
      checkArgument(source != null, "the mask source must not be null");
      this.maskSource = source;
      return this;
    }

    /**
     * Sets the step to which each controller block's kept groups are rounded when the mask
     * freezes: a multiple of {@code multiple}, or the whole block, each block keeping its
     * highest-scored groups, and the budget then reached in such steps
     * ({@link FlopsBudget#roundBlocks}). With one channel per group (networks without channel
     * concatenation) every pruned layer then keeps a multiple of {@code multiple} channels.
     * Engines compute in blocks of channels and pay for a partly filled block as for a full
     * one (oneDNN: 8 for SSE4.1 and AVX2, 16 for AVX-512), so the compressed network runs
     * faster in proportion to its FLOPs; the steps are coarser, so the budget may need a
     * larger {@link #optFlopsTolerance}. Default 1: no rounding.
     */
    public Builder optChannelMultiple(int multiple) {
      checkState(channelMultiple == null, "the channel multiple was already set to %s",
          channelMultiple);
      checkArgument(multiple >= 1, "the channel multiple must be at least 1 (1 for no "
          + "rounding, 8 or 16 for oneDNN's blocks), found %s", multiple);
      this.channelMultiple = multiple;
      return this;
    }

    /**
     * Sets when things happen, as fractions of all steps: the controller trains from
     * {@code controllerStart} to {@code controllerEnd}, projection starts at {@code warmup}.
     * Defaults 0.1, 0.2, 0.5; the order {@code controllerStart <= warmup <= controllerEnd} is
     * checked in {@link #build()}.
     */
    public Builder optSchedule(double controllerStart, double warmup, double controllerEnd) {
      checkState(!fractionsSet, "the schedule was already set");
      this.controllerStart = controllerStart;
      this.warmup = warmup;
      this.controllerEnd = controllerEnd;
      this.fractionsSet = true;
      return this;
    }

    /**
     * Sets the number of controller updates, spread evenly over the controller window. Default
     * {@value TrainingSchedule#DEFAULT_CONTROLLER_UPDATES}: enough for the controller to reach
     * a budget whatever the run's length; a window with fewer steps trains the controller at
     * every step with a proportionally larger learning rate (docs/design.md). Not together with
     * {@link #optControllerInterval}.
     */
    public Builder optControllerUpdates(int updates) {
      checkState(controllerUpdates == null, "the controller updates were already set");
      checkState(controllerInterval == null, "the controller interval was set: give either "
          + "optControllerUpdates or optControllerInterval, not both");
      checkArgument(updates >= 1, "the controller needs at least 1 update, found %s", updates);
      this.controllerUpdates = updates;
      return this;
    }

    /**
     * Sets the steps between controller updates, taken as they are: the paper's schedule is
     * {@code optControllerInterval(TrainingSchedule.PAPER_CONTROLLER_INTERVAL)} (every 20 steps,
     * meant for runs of 100,000 steps and more). Default: derived from the run's length, see
     * {@link #optControllerUpdates}; not together with it.
     */
    public Builder optControllerInterval(int steps) {
      checkState(controllerInterval == null, "the controller interval was already set");
      checkState(controllerUpdates == null, "the controller updates were set: give either "
          + "optControllerUpdates or optControllerInterval, not both");
      checkArgument(steps >= 1, "the controller interval must be at least 1 step, found %s",
          steps);
      this.controllerInterval = steps;
      return this;
    }

    /**
     * Sets how far from the requested reduction the compressed model's reduction may be, as a
     * share of the whole model's FLOPs, in (0, 1). Default
     * {@value FlopsBudget#DEFAULT_TOLERANCE}: one percentage point.
     */
    public Builder optFlopsTolerance(double tolerance) {
      checkState(flopsTolerance == null, "the FLOPs tolerance was already set");
      checkArgument(tolerance > 0 && tolerance < 1,
          "the FLOPs tolerance must lie in (0, 1), e.g. 0.01 for one percentage point; found %s",
          tolerance);
      this.flopsTolerance = tolerance;
      return this;
    }

    /**
     * Sets whether a mask outside the tolerance when the controller window ends is brought to
     * the budget by the controller's scores (its least wanted kept groups pruned, or its most
     * wanted pruned groups kept again; {@link FlopsBudget}). Default true; with false the
     * controller's mask is kept as it is and a miss is only reported.
     */
    public Builder optBudgetCorrection(boolean correct) {
      checkState(budgetCorrection == null, "the budget correction was already set");
      this.budgetCorrection = correct;
      return this;
    }

    /**
     * Sets whether {@link #fit()} fails with a {@link FlopsTargetMissedException} when the mask
     * misses the budget once the controller window ends, instead of finishing the run with a
     * warning and {@link AtoResult#targetMet()} false. Default false.
     */
    public Builder optFailOnMissedTarget(boolean fail) {
      checkState(failOnMissedTarget == null, "failing on a missed target was already set");
      this.failOnMissedTarget = fail;
      return this;
    }

    /** Sets the share of the training data held out for the controller, in (0, 1). Default 0.05. */
    public Builder optControllerDataFraction(double fraction) {
      checkState(controllerDataFraction == null, "the controller data fraction was already set");
      checkArgument(fraction > 0 && fraction < 1,
          "the controller data fraction must lie in (0, 1), found %s", fraction);
      this.controllerDataFraction = fraction;
      return this;
    }

    /** Sets the weight of the FLOPs penalty in the controller's loss. Default 4. */
    public Builder optResourceWeight(double weight) {
      checkState(resourceWeight == null, "the resource weight was already set");
      checkArgument(weight > 0 && Double.isFinite(weight),
          "the resource weight must be positive and finite, found %s", weight);
      this.resourceWeight = weight;
      return this;
    }

    /**
     * Sets the learning rate of the controller's AdamW optimiser, taken as it is. Default: the
     * paper's 1e-3, scaled up for a controller window shorter than the controller updates asked
     * for (see {@link #optControllerUpdates}).
     */
    public Builder optControllerLearningRate(double rate) {
      checkState(controllerLearningRate == null, "the controller learning rate was already set");
      checkArgument(rate > 0 && Double.isFinite(rate),
          "the controller learning rate must be positive and finite, found %s", rate);
      this.controllerLearningRate = rate;
      return this;
    }

    /**
     * Sets the seed of the held-out split, the controller and its noise, and of the engine's
     * random generator: {@link #build()} seeds it before it initialises the model (so the same
     * seed gives the same initial weights) and {@link AutoTrainOnce#fit()} again before
     * training (DJL's shuffling and dropout draw from it). Default 42.
     */
    public Builder optSeed(long seed) {
      checkState(this.seed == null, "the seed was already set");
      this.seed = seed;
      return this;
    }

    /**
     * Sets the device of a model given as a bare block. Default: the device of the model's
     * manager for {@link #setModel}, the engine's default device (a GPU where there is one) for
     * {@link #setBlock}. A model given with {@link #setModel} trains on its own device.
     */
    public Builder optDevice(Device device) {
      checkState(this.device == null, "the device was already set");
      checkArgument(device != null, "the device must not be null");
      this.device = device;
      return this;
    }

    /** Sets how groups are found. Default: residual streams kept whole, blocks per layer. */
    public Builder optGroupOptions(GroupOptions options) {
      checkState(groupOptions == null, "the group options were already set");
      checkArgument(options != null, "the group options must not be null");
      this.groupOptions = options;
      return this;
    }

    /**
     * Sets how the model is read. Default: a block ato cannot read is an error; with
     * {@link ReadOptions#opaqueUnknownBlocks()} it is kept whole instead.
     */
    public Builder optReadOptions(ReadOptions options) {
      checkState(readOptions == null, "the read options were already set");
      checkArgument(options != null, "the read options must not be null");
      this.readOptions = options;
      return this;
    }

    /**
     * Saves checkpoints as {@code checkpoints} says, and makes {@link AutoTrainOnce#fit()}
     * resume from the latest one in its directory. {@link #build()} fails when the directory
     * cannot be made or written. Default: no checkpoints.
     */
    public Builder optCheckpoints(Checkpoints checkpoints) {
      checkState(this.checkpoints == null, "the checkpoints were already set");
      checkArgument(checkpoints != null, "the checkpoints must not be null");
      this.checkpoints = checkpoints;
      return this;
    }

    /** Adds DJL training listeners; they hear the model's batches and epochs. */
    public Builder addTrainingListeners(TrainingListener... listeners) {
      for (TrainingListener listener : listeners) {
        checkArgument(listener != null, "a training listener must not be null");
        trainingListeners.add(listener);
      }
      return this;
    }

    /** Adds a listener for ATO's own progress and metrics. */
    public Builder addListener(AtoListener listener) {
      checkArgument(listener != null, "a listener must not be null");
      listeners.add(listener);
      return this;
    }

    /**
     * Trains the model with a DJL training setup of the user's: its loss, optimizer,
     * initializers (applied to a model not yet initialised), evaluators, training listeners,
     * executor and device, all of it. ATO adds DJL's {@code EvaluatorTrainingListener} when the
     * listeners hold none. Instead of {@link #optLoss}, {@link #optOptimizer}, {@link #optDevice}
     * and {@link #addTrainingListeners}. The config must name exactly one device: DJL keeps a
     * copy of every parameter per device, and ATO's projection edits them in place.
     */
    public Builder optTrainingConfig(TrainingConfig config) {
      checkState(trainingConfig == null, "the training config was already set");
      checkArgument(config != null, "the training config must not be null");
      this.trainingConfig = config;
      return this;
    }

    /**
     * Sets the metric that validation reports after each epoch and that scores the masked and
     * the compressed network ({@link AtoResult#metric()}). Default: the training config's first
     * evaluator; without one, top-1 accuracy for a classifier (softmax cross-entropy loss), else
     * the loss itself.
     */
    public Builder optValidationMetric(Evaluator metric) {
      checkState(validationMetric == null, "the validation metric was already set");
      checkArgument(metric != null, "the validation metric must not be null");
      this.validationMetric = metric;
      return this;
    }

    /**
     * Trains the controller on this data set instead of a share held out of the training data;
     * the model then trains on all of the training data. Its sampler sets the controller's batch
     * size. Not together with {@link #optControllerDataFraction}.
     */
    public Builder optControllerData(RandomAccessDataset data) {
      checkState(controllerData == null, "the controller data was already set");
      checkArgument(data != null, "the controller data must not be null");
      this.controllerData = data;
      return this;
    }

    /**
     * Checks every option and resolves it into the run's immutable settings, initialises the
     * model for the input shape, reads it and finds its groups. Changing the builder afterwards
     * changes nothing of the built run.
     *
     * @throws IllegalStateException when a required option is missing
     * @throws IllegalArgumentException when an option is invalid or the options do not fit each
     *     other or the model
     */
    public AutoTrainOnce build() {
      checkState(model != null || block != null, "setModel(...) or setBlock(...) is required");
      checkState(inputShape != null, "setInputShape(...) is required");
      checkState(trainingData != null, "setTrainingData(...) is required");
      checkState(reduction != null, "setFlopsReduction(...) is required");
      checkState(epochs != null, "setEpochs(...) is required");
      checkArgument(trainingData.size() > 0, "the training data set is empty");
      checkArgument(trainingConfig == null || (optimizer == null && loss == null
              && device == null && trainingListeners.isEmpty()),
          "a TrainingConfig was given together with optOptimizer, optLoss, optDevice or "
              + "addTrainingListeners: give those in the TrainingConfig or as options, not both");
      checkArgument(controllerData == null || controllerDataFraction == null,
          "both optControllerData and optControllerDataFraction were given: a separate "
              + "controller data set replaces the held-out fraction; give one of them");
      EngineCheck.requireCorrect();
      if (checkpoints != null) {
        RunCheckpoint.in(checkpoints);
      }
      TrainingSetup setup = TrainingSetup.of(this);
      DataParts data = dataParts();
      long stepsPerEpoch = batchesPerEpoch(data.train());
      TrainingSchedule schedule = schedule(stepsPerEpoch * epochs);
      boolean ownsModel = model == null;
      checkArgument(ownsModel || setup.device().equals(model.getNDManager().getDevice()),
          "model '%s' lives on %s but the run is asked to train on %s: create the model on the "
              + "device to train on (Model.newInstance(name, device))",
          ownsModel ? "" : model.getName(), ownsModel ? null : model.getNDManager().getDevice(),
          setup.device());
      long runSeed = seed != null ? seed : DEFAULT_SEED;
      Model target = ownsModel ? Model.newInstance("ato-model", setup.device()) : model;
      try {
        if (ownsModel) {
          target.setBlock(block);
        }
        Block toRead = target.getBlock();
        // The initial weights are the run's first random draw: seeded here, not in fit(), so
        // that the same seed gives the same model whatever the JVM computed before.
        Engine.getInstance().setRandomSeed(engineSeed(runSeed));
        initialise(toRead, target, setup);
        ModelGraph graph = ModelReader.read(toRead, inputShape, target.getName(),
            readOptions != null ? readOptions : ReadOptions.defaults());
        GroupSet groups = ZeroInvariantGroups.find(graph.graph(),
            groupOptions != null ? groupOptions : GroupOptions.defaults());
        CostModel cost = CostModel.of(graph.graph(), groups);
        FlopsTarget flopsTarget = cost.targetForReduction(reduction);
        ResourceLoss.forTarget(flopsTarget.prunableRatio());
        boolean classification = Validation.isClassification(setup.loss());
        checkData(graph, target, classification);
        Evaluator metric = Validation.metric(validationMetric, setup.evaluators(), setup.loss());
        ImmutableList<Evaluator> evaluators = setup.evaluators().contains(metric)
            || metric == setup.loss() ? setup.evaluators()
            : ImmutableList.<Evaluator>builder().addAll(setup.evaluators()).add(metric).build();
        RunSettings settings = new RunSettings(setup.loss(), setup.optimizer(), setup.device(),
            evaluators, metric, setup.listeners(), setup.executor(), setup.initializers(),
            data.train(), data.heldOut(), data.heldOutIndices(), validationData, classification,
            epochs, stepsPerEpoch,
            schedule, projection != null ? projection : Projection.groupLasso(),
            maskSource != null ? maskSource : MaskSource.CONTROLLER,
            channelMultiple != null ? ChannelRounding.requested(channelMultiple)
                : automaticRounding(setup.device()),
            controllerLearningRate != null ? controllerLearningRate
                : PAPER_CONTROLLER_LEARNING_RATE * schedule.controllerLearningRateScale(),
            resourceWeight != null ? resourceWeight : DEFAULT_RESOURCE_WEIGHT, runSeed,
            budgetCorrection == null || budgetCorrection,
            failOnMissedTarget != null && failOnMissedTarget,
            DjlInternals.learningRateTracker(setup.optimizer()),
            DjlInternals.beginNumUpdate(setup.optimizer()) + 1, ImmutableList.copyOf(listeners),
            checkpoints);
        LOG.info("ATO on '{}': {} groups in {} blocks, {} MACs of which {} prunable; removing "
                + "{} of all MACs keeps p = {} of the prunable part; {} steps ({} per epoch), "
                + "validation metric {}", graph.graph().name(), groups.size(),
            groups.blocks().size(), cost.flops(), cost.prunableFlops(), reduction,
            String.format(Locale.ROOT, "%.4f", flopsTarget.prunableRatio()),
            schedule.totalSteps(), stepsPerEpoch, metric.getName());
        return new AutoTrainOnce(settings, target, ownsModel, graph, groups, cost, flopsTarget,
            FlopsBudget.of(cost, groups, flopsTarget,
                flopsTolerance != null ? flopsTolerance : FlopsBudget.DEFAULT_TOLERANCE));
      } catch (RuntimeException e) {
        if (ownsModel) {
          target.close();
        }
        throw e;
      }
    }

    /** The engine's channel block on {@code device}, which kept channels are rounded to. */
    private static ChannelRounding automaticRounding(Device device) {
      ChannelBlocks.Block block = ChannelBlocks.of(device);
      return new ChannelRounding(block.channels(), true, block.why());
    }

    /** The model's and the controller's training records. */
    private DataParts dataParts() {
      if (controllerData != null) {
        checkArgument(controllerData.size() > 0, "the controller data set is empty");
        return new DataParts(trainingData, controllerData, ImmutableList.of());
      }
      double heldOut = controllerDataFraction != null ? controllerDataFraction
          : DEFAULT_CONTROLLER_DATA_FRACTION;
      long size = trainingData.size();
      checkArgument(Math.round(heldOut * size) >= 1 && Math.round(heldOut * size) < size,
          "holding out %s of %s training records for the controller leaves one part empty; "
              + "use more data, another optControllerDataFraction or optControllerData",
          heldOut, (Object) size);
      HeldOutSplit split = HeldOutSplit.of(trainingData, heldOut,
          seed != null ? seed : DEFAULT_SEED);
      return new DataParts(split.train(), split.heldOut(),
          ImmutableList.copyOf(split.heldOutIndices()));
    }

    private record DataParts(RandomAccessDataset train, RandomAccessDataset heldOut,
        ImmutableList<Long> heldOutIndices) {}

    private void initialise(Block toRead, Model owner, TrainingSetup setup) {
      if (toRead.isInitialized()) {
        if (!setup.initializers().isEmpty()) {
          LOG.info("model '{}' is initialised already (trained, or loaded): the training "
              + "config's initializers leave its parameters as they are", owner.getName());
        }
        return;
      }
      // As DJL's Trainer would, but now: the model is read before any trainer exists.
      setup.initializers().forEach(pair -> toRead.setInitializer(pair.getKey(), pair.getValue()));
      checkArgument(inputShape.dimension() >= 2,
          "the input shape must have a batch axis and at least one more, found %s", inputShape);
      try {
        toRead.initialize(owner.getNDManager(), DataType.FLOAT32, inputShape);
      } catch (RuntimeException e) {
        // DJL and the engine report a misfit shape in many ways (EngineException,
        // UnsupportedOperationException for a layout...); all mean the same to the user.
        throw new IllegalArgumentException("the input shape " + inputShape + " does not fit "
            + "model '" + owner.getName() + "': " + firstLine(e), e);
      }
    }

    /** The run's schedule for {@code totalSteps} optimiser steps, from the options. */
    private TrainingSchedule schedule(long totalSteps) {
      TrainingSchedule.Builder schedule = TrainingSchedule.builder().setTotalSteps(totalSteps)
          .optControllerStart(controllerStart).optWarmup(warmup).optControllerEnd(controllerEnd);
      if (controllerInterval != null) {
        schedule.optControllerInterval(controllerInterval);
      } else if (controllerUpdates != null) {
        schedule.optControllerUpdates(controllerUpdates);
      }
      return schedule.build();
    }

    /**
     * Fails before training when the first training record does not fit the model: a wrong
     * input shape, or for a classifier a label beyond its outputs, would otherwise surface as a
     * libtorch error in the first step. The record is read as training reads it, through the
     * data set's transforms and batchifier (a batch of one, in order: no random draw).
     */
    private void checkData(ModelGraph graph, Model owner, boolean classification) {
      try (NDManager manager = owner.getNDManager().newSubManager();
          Batch first = firstRecord(manager)) {
        Shape sample = first.getData().singletonOrThrow().getShape().slice(1);
        checkArgument(sample.equals(inputShape.slice(1)),
            "the training data's records have shape %s but the input shape is %s per sample "
                + "(%s with the batch axis)", sample, inputShape.slice(1), inputShape);
        NDList labels = first.getLabels();
        if (!classification || labels.size() != 1 || labels.singletonOrThrow().size() != 1) {
          return;
        }
        int classes = graph.graph().node(graph.graph().outputs().iterator().next()).output()
            .channels();
        float label = labels.singletonOrThrow().toType(DataType.FLOAT32, false).getFloat();
        checkArgument(label >= 0 && label < classes && label == Math.rint(label),
            "the first training record's label is %s, but the model has %s outputs: labels "
                + "must be class indices 0..%s", label, classes, classes - 1);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the training data", e);
      } catch (TranslateException e) {
        throw new IllegalArgumentException("cannot read the training data: its transforms "
            + "failed on the first record: " + e.getMessage(), e);
      }
    }

    private Batch firstRecord(NDManager manager) throws IOException, TranslateException {
      Sampler firstOnly = new Sampler() {
        @Override
        public Iterator<List<Long>> sample(RandomAccessDataset dataset) {
          return List.of(List.of(0L)).iterator();
        }

        @Override
        public int getBatchSize() {
          return 1;
        }
      };
      return trainingData.getData(manager, firstOnly).iterator().next();
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
      checkArgument(batches > 0, "the training data gives no batch: %s records remain after "
          + "holding out the controller's share, fewer than one batch; use more data or a "
          + "smaller batch", data.size());
      return batches;
    }

    private static String firstLine(Exception e) {
      String message = String.valueOf(e.getMessage());
      int newline = message.indexOf('\n');
      return newline < 0 ? message : message.substring(0, newline);
    }
  }
}
