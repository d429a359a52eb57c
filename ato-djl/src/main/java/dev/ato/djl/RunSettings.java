package dev.ato.djl;

import ai.djl.Device;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.TrainingConfig;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.evaluator.Evaluator;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.listener.EvaluatorTrainingListener;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import ai.djl.util.Pair;
import com.google.common.collect.ImmutableList;
import dev.ato.config.AtoConfig;
import dev.ato.config.MaskSource;
import dev.ato.schedule.TrainingSchedule;
import dev.ato.storage.Checkpoints;
import java.util.concurrent.ExecutorService;
import java.util.function.Predicate;

/**
 * Every setting of one ATO run, resolved by {@link AutoTrainOnceBuilder#build()}: defaults filled
 * in, the held-out split drawn, the schedule sized to the run. Immutable: the run reads only this,
 * so changing the builder afterwards changes nothing.
 *
 * @param config the run's configuration, defaults filled in
 * @param loss the task loss
 * @param optimizer the model's optimiser
 * @param device the one device the model trains on
 * @param evaluators the trainer's evaluators, the metric among them
 * @param metric what validation reports, and the result's score
 * @param trainingListeners DJL listeners for the model's trainer, the user's first
 * @param executor DJL's executor for data loading and multi-device work, or null
 * @param initializers the user's initializers, in order
 * @param train the records the model trains on
 * @param heldOut the records the controller trains on
 * @param heldOutIndices indices of the held-out records in the training data, empty when the
 *     controller has data of its own
 * @param validation data scored after each epoch and at the end, or null
 * @param classification whether the loss is a classifier's (labels are class indices)
 * @param stepsPerEpoch optimiser steps per epoch
 * @param schedule when the controller trains, projection starts and the mask freezes
 * @param channelRounding the step each block's kept groups are rounded to when the mask freezes,
 *     and whether ato chose it
 * @param controllerLearningRate the controller's AdamW learning rate: the configuration's, or the
 *     paper's scaled to the run's controller updates
 * @param learningRate the optimiser's learning rate, the projection's step size
 * @param firstUpdate the optimiser's first update number
 * @param listeners ato's own listeners
 * @param checkpoints where and how often the run saves checkpoints, or null for none
 */
record RunSettings(
    AtoConfig config,
    Loss loss,
    Optimizer optimizer,
    Device device,
    ImmutableList<Evaluator> evaluators,
    Evaluator metric,
    ImmutableList<TrainingListener> trainingListeners,
    ExecutorService executor,
    ImmutableList<Pair<Initializer, Predicate<Parameter>>> initializers,
    RandomAccessDataset train,
    RandomAccessDataset heldOut,
    ImmutableList<Long> heldOutIndices,
    Dataset validation,
    boolean classification,
    long stepsPerEpoch,
    TrainingSchedule schedule,
    ChannelRounding channelRounding,
    double controllerLearningRate,
    ParameterTracker learningRate,
    int firstUpdate,
    ImmutableList<AtoListener> listeners,
    Checkpoints checkpoints) {

  /** Whether the controller trains and chooses the mask, as in ATO proper. */
  boolean controllerChoosesMask() {
    return config.maskSource() == MaskSource.CONTROLLER;
  }

  /** Passes over {@code train}. */
  int epochs() {
    return config.epochs();
  }

  /** The seed of the split, the controller, its noise and the engine. */
  long seed() {
    return config.seed();
  }

  /**
   * The model trainer's configuration: the user's loss, optimiser, device, evaluators, listeners,
   * initializers and executor, plus DJL's evaluator listener ahead of them when they hold none (the
   * per-epoch metrics are read from it).
   */
  TrainingConfig trainingConfig() {
    DefaultTrainingConfig config =
        new DefaultTrainingConfig(loss).optOptimizer(optimizer).optDevices(new Device[] {device});
    evaluators.forEach(config::addEvaluator);
    initializers.forEach(pair -> config.optInitializer(pair.getKey(), pair.getValue()));
    if (executor != null) {
      config.optExecutorService(executor);
    }
    // First, as in DJL's default listener sets: the user's listeners then see each epoch's
    // evaluations in the trainer's training result.
    if (trainingListeners.stream().noneMatch(EvaluatorTrainingListener.class::isInstance)) {
      config.addTrainingListeners(new EvaluatorTrainingListener());
    }
    trainingListeners.forEach(config::addTrainingListeners);
    return config;
  }
}
