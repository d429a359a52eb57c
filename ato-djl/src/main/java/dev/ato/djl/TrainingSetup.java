package dev.ato.djl;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.nn.Parameter;
import ai.djl.training.TrainingConfig;
import ai.djl.training.evaluator.Evaluator;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import com.google.common.collect.ImmutableList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.function.Predicate;

/**
 * The model's training setup, from the user's DJL {@link TrainingConfig} or from the builder's
 * individual options with ato's defaults (SGD at 0.05 with momentum 0.9 and weight decay 5e-4,
 * softmax cross-entropy). Nothing of the user's is dropped: the run trains with all of it and adds
 * only what it needs.
 *
 * @param loss the task loss
 * @param optimizer the model's optimiser
 * @param device the one device to train on
 * @param evaluators the user's evaluators, in order (the loss is not among them: DJL's trainer adds
 *     it)
 * @param listeners the user's DJL training listeners, in order
 * @param initializers the user's initializers, in order
 * @param executor the user's executor service, or null
 */
record TrainingSetup(
    Loss loss,
    Optimizer optimizer,
    Device device,
    ImmutableList<Evaluator> evaluators,
    ImmutableList<TrainingListener> listeners,
    ImmutableList<Pair<Initializer, Predicate<Parameter>>> initializers,
    ExecutorService executor) {

  /** The setup the builder's options describe, for a run of {@code totalSteps} steps. */
  static TrainingSetup of(AutoTrainOnceBuilder builder, long totalSteps) {
    if (builder.trainingConfig != null) {
      return fromConfig(builder.trainingConfig);
    }
    Optimizer optimizer =
        builder.optimizer != null
            ? builder.optimizer
            : builder.optimizerForSteps != null
                ? forSteps(builder, totalSteps)
                : Optimizer.sgd()
                    .setLearningRateTracker(Tracker.fixed(0.05f))
                    .optMomentum(0.9f)
                    .optWeightDecays(5e-4f)
                    .build();
    Device device =
        builder.device != null
            ? builder.device
            : builder.model != null
                ? builder.model.getNDManager().getDevice()
                : Engine.getInstance().defaultDevice();
    return new TrainingSetup(
        builder.loss != null ? builder.loss : Loss.softmaxCrossEntropyLoss(),
        optimizer,
        device,
        ImmutableList.of(),
        ImmutableList.copyOf(builder.trainingListeners),
        ImmutableList.of(),
        null);
  }

  private static Optimizer forSteps(AutoTrainOnceBuilder builder, long totalSteps) {
    Optimizer optimizer = builder.optimizerForSteps.apply(totalSteps);
    checkArgument(
        optimizer != null,
        "the optimizer function of optOptimizer returned null for "
            + "%s steps: return the optimiser to train with",
        totalSteps);
    return optimizer;
  }

  private static TrainingSetup fromConfig(TrainingConfig config) {
    checkArgument(
        config.getLossFunction() != null,
        "the training config has no loss: give one " + "to DefaultTrainingConfig(loss)");
    checkArgument(
        config.getOptimizer() != null,
        "the training config has no optimizer: set " + "one with optOptimizer(...)");
    Device[] devices = config.getDevices();
    checkArgument(
        devices != null && devices.length == 1,
        "the training config names %s devices %s, but an ATO run trains on exactly one: DJL "
            + "keeps a separate copy of every parameter per device and ATO's projection edits "
            + "the parameters in place; use optDevices(new Device[] {device})",
        devices == null ? 0 : devices.length,
        Arrays.toString(devices));
    List<Evaluator> evaluators =
        config.getEvaluators().stream().filter(e -> e != config.getLossFunction()).toList();
    ImmutableList.Builder<Pair<Initializer, Predicate<Parameter>>> initializers =
        ImmutableList.builder();
    config
        .getInitializers()
        .forEach(pair -> initializers.add(new Pair<>(pair.getKey(), pair.getValue())));
    return new TrainingSetup(
        config.getLossFunction(),
        config.getOptimizer(),
        devices[0],
        ImmutableList.copyOf(evaluators),
        ImmutableList.copyOf(config.getTrainingListeners()),
        initializers.build(),
        config.getExecutorService());
  }
}
