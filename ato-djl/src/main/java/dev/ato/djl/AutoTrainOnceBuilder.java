package dev.ato.djl;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.TrainingConfig;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.evaluator.Evaluator;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import dev.ato.config.AtoConfig;
import dev.ato.config.MaskSource;
import dev.ato.djl.engine.NoGrad;
import dev.ato.djl.graph.ReadOptions;
import dev.ato.groups.GroupOptions;
import dev.ato.projection.Projection;
import dev.ato.storage.Checkpoints;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * Collects what an ATO run needs, for {@link AutoTrainOnce#builder()}. {@code set*} options are
 * required, {@code opt*} ones have the paper's defaults; setting an option twice is an error, and
 * {@link #build()} checks everything, including the rules between options. The options of the run's
 * {@link AtoConfig} are documented on {@link AtoConfig.Builder}.
 */
public final class AutoTrainOnceBuilder {
  Model model;
  Block block;
  Shape inputShape;
  RandomAccessDataset trainingData;
  Dataset validationData;
  Optimizer optimizer;
  LongFunction<Optimizer> optimizerForSteps;
  Loss loss;
  Device device;
  TrainingConfig trainingConfig;
  Evaluator validationMetric;
  RandomAccessDataset controllerData;
  ReadOptions readOptions;
  Checkpoints checkpoints;
  final List<TrainingListener> trainingListeners = new ArrayList<>();
  final List<AtoListener> listeners = new ArrayList<>();
  private final AtoConfig.Builder options = AtoConfig.builder();
  private AtoConfig config;
  private boolean optionsSet;

  AutoTrainOnceBuilder() {}

  /**
   * Sets the DJL model to train and prune; its block may be uninitialised. Required (or {@link
   * #setBlock}).
   */
  public AutoTrainOnceBuilder setModel(Model model) {
    checkState(this.model == null && block == null, "the model was already set");
    checkArgument(model != null, "the model must not be null");
    checkArgument(
        model.getBlock() != null,
        "model '%s' has no block; call setBlock on it " + "first",
        model.getName());
    this.model = model;
    return this;
  }

  /**
   * Sets the block to train and prune; ato wraps it in a model it owns. Required (or {@link
   * #setModel}).
   */
  public AutoTrainOnceBuilder setBlock(Block block) {
    checkState(model == null && this.block == null, "the model was already set");
    checkArgument(block != null, "the block must not be null");
    this.block = block;
    return this;
  }

  /** Sets the shape of one input batch, batch axis first, e.g. {@code (1, 3, 32, 32)}. Required. */
  public AutoTrainOnceBuilder setInputShape(Shape inputShape) {
    checkState(this.inputShape == null, "the input shape was already set to %s", this.inputShape);
    checkArgument(inputShape != null, "the input shape must not be null");
    this.inputShape = inputShape;
    return this;
  }

  /**
   * Sets the training data; a share of it is held out for the controller ({@link
   * AtoConfig.Builder#optControllerDataFraction}). Its sampler sets the batch size. Required.
   */
  public AutoTrainOnceBuilder setTrainingData(RandomAccessDataset trainingData) {
    checkState(this.trainingData == null, "the training data was already set");
    checkArgument(trainingData != null, "the training data must not be null");
    this.trainingData = trainingData;
    return this;
  }

  /**
   * Sets data to score the run's metric on after each epoch, through DJL's validation path (the
   * trainer's evaluators and listeners hear it), and to score the result on.
   */
  public AutoTrainOnceBuilder optValidationData(Dataset validationData) {
    checkState(this.validationData == null, "the validation data was already set");
    this.validationData = validationData;
    return this;
  }

  /**
   * Sets every option of the run's {@link AtoConfig} at once, e.g. one shared by a sweep or read
   * back from a report ({@link AtoConfig#fromJson}); instead of the options one by one.
   */
  public AutoTrainOnceBuilder optConfig(AtoConfig config) {
    checkState(this.config == null, "the configuration was already set");
    checkState(
        !optionsSet,
        "options of the configuration were set one by one: give them on "
            + "the AtoConfig passed to optConfig, or all one by one");
    checkArgument(config != null, "the configuration must not be null");
    this.config = config;
    return this;
  }

  /** The configuration's builder, for the options given one by one. */
  private AtoConfig.Builder options() {
    checkState(
        config == null,
        "the configuration was given whole with optConfig: set this " + "option on that AtoConfig");
    optionsSet = true;
    return options;
  }

  /** See {@link AtoConfig.Builder#setFlopsReduction}. Required. */
  public AutoTrainOnceBuilder setFlopsReduction(double reduction) {
    options().setFlopsReduction(reduction);
    return this;
  }

  /** See {@link AtoConfig.Builder#setEpochs}. Required. */
  public AutoTrainOnceBuilder setEpochs(int epochs) {
    options().setEpochs(epochs);
    return this;
  }

  /** See {@link AtoConfig.Builder#optProjection}. */
  public AutoTrainOnceBuilder optProjection(Projection projection) {
    options().optProjection(projection);
    return this;
  }

  /** See {@link AtoConfig.Builder#optMaskSource}. */
  public AutoTrainOnceBuilder optMaskSource(MaskSource source) {
    options().optMaskSource(source);
    return this;
  }

  /** See {@link AtoConfig.Builder#optChannelMultiple}. */
  public AutoTrainOnceBuilder optChannelMultiple(int multiple) {
    options().optChannelMultiple(multiple);
    return this;
  }

  /** See {@link AtoConfig.Builder#optSchedule}. */
  public AutoTrainOnceBuilder optSchedule(
      double controllerStart, double warmup, double controllerEnd) {
    options().optSchedule(controllerStart, warmup, controllerEnd);
    return this;
  }

  /** See {@link AtoConfig.Builder#optControllerUpdates}. */
  public AutoTrainOnceBuilder optControllerUpdates(int updates) {
    options().optControllerUpdates(updates);
    return this;
  }

  /** See {@link AtoConfig.Builder#optControllerInterval}. */
  public AutoTrainOnceBuilder optControllerInterval(int steps) {
    options().optControllerInterval(steps);
    return this;
  }

  /** See {@link AtoConfig.Builder#optFlopsTolerance}. */
  public AutoTrainOnceBuilder optFlopsTolerance(double tolerance) {
    options().optFlopsTolerance(tolerance);
    return this;
  }

  /** See {@link AtoConfig.Builder#optBudgetCorrection}. */
  public AutoTrainOnceBuilder optBudgetCorrection(boolean correct) {
    options().optBudgetCorrection(correct);
    return this;
  }

  /**
   * See {@link AtoConfig.Builder#optFailOnMissedTarget}: {@link AutoTrainOnce#fit()} then fails
   * with a {@link FlopsTargetMissedException}.
   */
  public AutoTrainOnceBuilder optFailOnMissedTarget(boolean fail) {
    options().optFailOnMissedTarget(fail);
    return this;
  }

  /**
   * See {@link AtoConfig.Builder#optTrainCompressedAfterFreeze}. DJL training listeners in the
   * config then see a second trainer, the compressed network's, begin at the swap.
   */
  public AutoTrainOnceBuilder optTrainCompressedAfterFreeze(boolean train) {
    options().optTrainCompressedAfterFreeze(train);
    return this;
  }

  /**
   * See {@link AtoConfig.Builder#optControllerDataFraction}. Not with {@link #optControllerData}.
   */
  public AutoTrainOnceBuilder optControllerDataFraction(double fraction) {
    options().optControllerDataFraction(fraction);
    return this;
  }

  /** See {@link AtoConfig.Builder#optResourceWeight}. */
  public AutoTrainOnceBuilder optResourceWeight(double weight) {
    options().optResourceWeight(weight);
    return this;
  }

  /** See {@link AtoConfig.Builder#optControllerLearningRate}. */
  public AutoTrainOnceBuilder optControllerLearningRate(double rate) {
    options().optControllerLearningRate(rate);
    return this;
  }

  /**
   * See {@link AtoConfig.Builder#optSeed}: {@link #build()} seeds the engine's generator with it
   * before it initialises the model, and {@link AutoTrainOnce#fit()} before each epoch.
   */
  public AutoTrainOnceBuilder optSeed(long seed) {
    options().optSeed(seed);
    return this;
  }

  /** See {@link AtoConfig.Builder#optGroupOptions}. */
  public AutoTrainOnceBuilder optGroupOptions(GroupOptions options) {
    options().optGroupOptions(options);
    return this;
  }

  /**
   * Sets the model's optimiser, any of DJL's with any learning-rate tracker; its learning rate is
   * also the projection's step size. Default: SGD, learning rate 0.05, momentum 0.9, weight decay
   * 5e-4.
   */
  public AutoTrainOnceBuilder optOptimizer(Optimizer optimizer) {
    checkState(
        this.optimizer == null && optimizerForSteps == null, "the optimizer was already set");
    checkArgument(optimizer != null, "the optimizer must not be null");
    this.optimizer = optimizer;
    return this;
  }

  /**
   * Sets the model's optimiser from the run's total optimiser steps, which are known only once
   * {@link #build()} has held out the controller's data and counted the batches: for a
   * learning-rate schedule over the whole run, e.g. {@code steps ->
   * Optimizer.sgd().setLearningRateTracker(Tracker.cosine().setBaseValue(0.05f)
   * .optFinalValue(5e-4f).setMaxUpdates((int) steps).build()).build()}. Instead of {@link
   * #optOptimizer(Optimizer)}.
   */
  public AutoTrainOnceBuilder optOptimizer(LongFunction<Optimizer> forTotalSteps) {
    checkState(optimizer == null && optimizerForSteps == null, "the optimizer was already set");
    checkArgument(forTotalSteps != null, "the optimizer function must not be null");
    this.optimizerForSteps = forTotalSteps;
    return this;
  }

  /**
   * Sets the task loss. With softmax cross-entropy (the default) the model is a classifier: labels
   * are checked to be class indices and accuracy is the default metric; any other loss makes the
   * loss itself the default metric (see {@link #optValidationMetric}).
   */
  public AutoTrainOnceBuilder optLoss(Loss loss) {
    checkState(this.loss == null, "the loss was already set");
    checkArgument(loss != null, "the loss must not be null");
    this.loss = loss;
    return this;
  }

  /**
   * Sets the device of a model given as a bare block. Default: the device of the model's manager
   * for {@link #setModel}, the engine's default device (a GPU where there is one) for {@link
   * #setBlock}. A model given with {@link #setModel} trains on its own device.
   */
  public AutoTrainOnceBuilder optDevice(Device device) {
    checkState(this.device == null, "the device was already set");
    checkArgument(device != null, "the device must not be null");
    this.device = device;
    return this;
  }

  /**
   * Sets how the model is read. Default: a block ato cannot read is an error; with {@link
   * ReadOptions#opaqueUnknownBlocks()} it is kept whole instead.
   */
  public AutoTrainOnceBuilder optReadOptions(ReadOptions options) {
    checkState(readOptions == null, "the read options were already set");
    checkArgument(options != null, "the read options must not be null");
    this.readOptions = options;
    return this;
  }

  /**
   * Saves checkpoints as {@code checkpoints} says, and makes {@link AutoTrainOnce#fit()} resume
   * from the latest one in its directory. {@link #build()} fails when the directory cannot be made
   * or written. Default: no checkpoints.
   */
  public AutoTrainOnceBuilder optCheckpoints(Checkpoints checkpoints) {
    checkState(this.checkpoints == null, "the checkpoints were already set");
    checkArgument(checkpoints != null, "the checkpoints must not be null");
    this.checkpoints = checkpoints;
    return this;
  }

  /** Adds DJL training listeners; they hear the model's batches and epochs. */
  public AutoTrainOnceBuilder addTrainingListeners(TrainingListener... listeners) {
    for (TrainingListener listener : listeners) {
      checkArgument(listener != null, "a training listener must not be null");
      trainingListeners.add(listener);
    }
    return this;
  }

  /** Adds a listener for ATO's own progress and metrics. */
  public AutoTrainOnceBuilder addListener(AtoListener listener) {
    checkArgument(listener != null, "a listener must not be null");
    listeners.add(listener);
    return this;
  }

  /**
   * Trains the model with a DJL training setup of the user's: its loss, optimizer, initializers
   * (applied to a model not yet initialised), evaluators, training listeners, executor and device,
   * all of it. ATO adds DJL's {@code EvaluatorTrainingListener} when the listeners hold none.
   * Instead of {@link #optLoss}, {@link #optOptimizer}, {@link #optDevice} and {@link
   * #addTrainingListeners}. The config must name exactly one device: DJL keeps a copy of every
   * parameter per device, and ATO's projection edits them in place.
   */
  public AutoTrainOnceBuilder optTrainingConfig(TrainingConfig config) {
    checkState(trainingConfig == null, "the training config was already set");
    checkArgument(config != null, "the training config must not be null");
    this.trainingConfig = config;
    return this;
  }

  /**
   * Sets the metric that validation reports after each epoch and that scores the masked and the
   * compressed network ({@link AtoResult#metric()}). Default: the training config's first
   * evaluator; without one, top-1 accuracy for a classifier (softmax cross-entropy loss), else the
   * loss itself.
   */
  public AutoTrainOnceBuilder optValidationMetric(Evaluator metric) {
    checkState(validationMetric == null, "the validation metric was already set");
    checkArgument(metric != null, "the validation metric must not be null");
    this.validationMetric = metric;
    return this;
  }

  /**
   * Trains the controller on this data set instead of a share held out of the training data; the
   * model then trains on all of the training data. Its sampler sets the controller's batch size.
   * Not together with {@link #optControllerDataFraction}.
   */
  public AutoTrainOnceBuilder optControllerData(RandomAccessDataset data) {
    checkState(controllerData == null, "the controller data was already set");
    checkArgument(data != null, "the controller data must not be null");
    this.controllerData = data;
    return this;
  }

  /**
   * Checks every option and resolves it into the run's immutable settings, initialises the model
   * for the input shape, reads it and finds its groups. Changing the builder afterwards changes
   * nothing of the built run.
   *
   * @throws IllegalStateException when a required option is missing
   * @throws IllegalArgumentException when an option is invalid or the options do not fit each other
   *     or the model
   */
  public AutoTrainOnce build() {
    // As fit(): on a thread other than the one that started the engine, grad mode is on.
    try (NoGrad ignored = NoGrad.enter()) {
      return new AutoTrainOnce(RunPreparation.prepare(this));
    }
  }

  /** The run's configuration: the one given whole, or the options given one by one. */
  AtoConfig config() {
    return config != null ? config : options.build();
  }
}
