package dev.ato.djl;

import ai.djl.training.Trainer;
import ai.djl.training.TrainingConfig;
import dev.ato.djl.testing.DefaultRuns;
import dev.ato.djl.testing.FashionMnistSlices;
import java.io.IOException;
import java.util.function.UnaryOperator;

/**
 * A run on the README's ResNet-8 ready for its parts to be tested, nothing trained: the built
 * {@link AutoTrainOnce}, the model's trainer, the controller and the trained network, as {@link
 * AtoRun} opens them. Closing it closes all of them.
 */
final class OpenRun implements AutoCloseable {

  final FashionMnistSlices.Slice train;
  final AutoTrainOnce ato;
  final Trainer trainer;
  final ControllerStep controller;
  final TrainedNetwork network;

  private OpenRun(
      FashionMnistSlices.Slice train,
      AutoTrainOnce ato,
      Trainer trainer,
      TrainingConfig config,
      ControllerStep controller) {
    this.train = train;
    this.ato = ato;
    this.trainer = trainer;
    this.controller = controller;
    RunContext run = ato.context();
    this.network =
        new TrainedNetwork(
            run, trainer, config, new ModelProjection(run.graph(), run.groups(), run.settings()));
  }

  /** A run of {@link DefaultRuns#halvingResNet} on 240 images, with {@code options} added. */
  static OpenRun of(UnaryOperator<AutoTrainOnceBuilder> options) throws IOException {
    FashionMnistSlices.Slice train = FashionMnistSlices.train(240, 20);
    AutoTrainOnce ato = options.apply(DefaultRuns.halvingResNet(8, train)).build();
    TrainingConfig config = ato.context().settings().trainingConfig();
    Trainer trainer = ato.model().newTrainer(config);
    trainer.initialize(ato.graph().inputShape());
    return new OpenRun(train, ato, trainer, config, ControllerStep.open(ato.context(), trainer));
  }

  /** The run's context. */
  RunContext context() {
    return ato.context();
  }

  @Override
  public void close() throws IOException {
    try (FashionMnistSlices.Slice t = train;
        AutoTrainOnce a = ato;
        Trainer tr = trainer;
        ControllerStep c = controller;
        TrainedNetwork n = network) {
      // closes all five, last first
    }
  }
}
