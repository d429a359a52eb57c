package dev.ato.djl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.types.Shape;
import dev.ato.djl.testing.CifarNetworks;
import dev.ato.djl.testing.FashionMnistSlices;
import dev.ato.djl.testing.FashionMnistSlices.Slice;
import dev.ato.groups.GroupMask;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Validating a run scores it and changes nothing in it, although validation inside the window
 * re-estimates the batch-norm statistics it scores with.
 */
class AutoTrainOnceValidationTest {

  private static Slice train;
  private static Slice test;

  @BeforeAll
  static void readData() throws IOException {
    // 600 images, 570 after the controller's 5%: 18 steps of 32 per epoch, 54 in all; the
    // projection starts at step 10 and the window ends at step 27, so epoch 1's validation
    // falls inside it.
    train = FashionMnistSlices.train(600, 32);
    test = FashionMnistSlices.test(200);
  }

  @AfterAll
  static void freeData() {
    train.close();
    test.close();
  }

  @Test
  void aValidatedRunTrainsExactlyAsAnUnvalidatedOne() {
    Run validated = run(true);
    Run unvalidated = run(false);

    assertThat(validated.firstValidation()).isBetween(0.0, 1.0);
    assertThat(validated.trainLosses()).containsExactlyElementsOf(unvalidated.trainLosses());
    // The controller scores the frozen model in inference mode, with the running statistics:
    // its losses after the first validation show that the run's own statistics came back.
    assertThat(validated.controllerLosses())
        .containsExactlyElementsOf(unvalidated.controllerLosses());
    assertThat(validated.mask()).isEqualTo(unvalidated.mask());
  }

  private record Run(
      double firstValidation,
      List<Double> trainLosses,
      List<Double> controllerLosses,
      GroupMask mask) {}

  /** ResNet-8 on the builder's defaults, with or without validation data. */
  private static Run run(boolean validate) {
    AutoTrainOnceBuilder builder =
        AutoTrainOnce.builder()
            .setBlock(CifarNetworks.resNet(8, 10))
            .setInputShape(new Shape(1, 1, 28, 28))
            .setTrainingData(train)
            .setFlopsReduction(0.5)
            .setEpochs(3);
    if (validate) {
      builder.optValidationData(test);
    }
    try (AutoTrainOnce ato = builder.build();
        AtoResult result = ato.fit()) {
      return new Run(
          result.epochs().get(0).validationMetric(),
          result.epochs().stream().map(EpochMetrics::trainLoss).toList(),
          result.controllerUpdates().stream().map(AtoListener.ControllerUpdate::taskLoss).toList(),
          result.mask());
    }
  }
}
