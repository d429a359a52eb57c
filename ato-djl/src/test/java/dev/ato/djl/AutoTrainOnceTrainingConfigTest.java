package dev.ato.djl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.evaluator.TopKAccuracy;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.ato.djl.testing.CifarNetworks;
import dev.ato.djl.testing.FashionMnistSlices;
import dev.ato.djl.testing.FashionMnistSlices.Slice;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A DJL user's own {@code TrainingConfig} is honoured whole: its initializer sets the weights, its
 * evaluator is the run's metric, its listener hears the training and the validation batches.
 */
class AutoTrainOnceTrainingConfigTest {

  /** Xavier, counting the weights it initialises. */
  private static final class CountingInitializer implements Initializer {
    final List<Shape> initialised = new ArrayList<>();
    private final Initializer xavier = new XavierInitializer();

    @Override
    public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
      initialised.add(shape);
      return xavier.initialize(manager, shape, dataType);
    }
  }

  /** Counts the batches and epochs DJL's trainer reports. */
  private static final class CountingListener extends TrainingListenerAdapter {
    int trainingBatches;
    int validationBatches;
    final List<Float> validationTopK = new ArrayList<>();

    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
      trainingBatches++;
    }

    @Override
    public void onValidationBatch(Trainer trainer, BatchData batchData) {
      validationBatches++;
    }

    @Override
    public void onEpoch(Trainer trainer) {
      validationTopK.add(trainer.getTrainingResult().getValidateEvaluation("Top_3_Accuracy"));
    }
  }

  @Test
  void theUsersInitializerEvaluatorAndListenerAreAllHonoured() throws IOException {
    CountingInitializer initializer = new CountingInitializer();
    CountingListener listener = new CountingListener();
    DefaultTrainingConfig config =
        new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
            .optInitializer(initializer, Parameter.Type.WEIGHT)
            .optOptimizer(
                Optimizer.sgd()
                    .setLearningRateTracker(Tracker.fixed(0.05f))
                    .optMomentum(0.9f)
                    .build())
            .addEvaluator(new TopKAccuracy(3))
            .addTrainingListeners(listener);
    try (Slice train = FashionMnistSlices.train(1200, 32);
        Slice test = FashionMnistSlices.test(500);
        Model model = Model.newInstance("resnet8")) {
      model.setBlock(CifarNetworks.resNet(8, 10, 8));
      try (AutoTrainOnce ato =
          AutoTrainOnce.builder()
              .setModel(model)
              .setInputShape(new Shape(1, 1, 28, 28))
              .setTrainingData(train)
              .optValidationData(test)
              .setFlopsReduction(0.3)
              .setEpochs(2)
              .optTrainingConfig(config)
              .build()) {
        // ResNet-8: a stem, 3 units of 2 convolutions, 2 projection shortcuts, the classifier.
        assertThat(initializer.initialised).hasSize(10);

        try (AtoResult result = ato.fit()) {
          assertThat(listener.trainingBatches).isEqualTo(ato.totalSteps());
          // 500 test images in batches of 250, scored after each of the 2 epochs.
          assertThat(listener.validationBatches).isEqualTo(4);
          assertThat(result.metric()).isEqualTo("Top_3_Accuracy");
          assertThat(result.epochs())
              .extracting(EpochMetrics::validationMetric)
              .containsExactlyElementsOf(
                  listener.validationTopK.stream().map(Float::doubleValue).toList());
          assertThat(result.compressedMetric()).isEqualTo(result.maskedMetric()).isGreaterThan(0.8);
        }
      }
    }
  }
}
