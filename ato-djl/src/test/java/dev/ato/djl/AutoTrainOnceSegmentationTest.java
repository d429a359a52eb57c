package dev.ato.djl;

import static dev.ato.djl.testing.Outputs.maxAbsDifference;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.loss.Loss;
import dev.ato.djl.testing.FashionMnistSlices;
import dev.ato.djl.testing.FashionMnistSlices.Slice;
import dev.ato.djl.testing.ManagedTest;
import dev.ato.djl.testing.Outputs;
import dev.ato.djl.testing.TestModels;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * ATO on a task that is not classification: a fully convolutional network that marks, pixel by
 * pixel, where a Fashion-MNIST image is brighter than its normalised mean (a segmentation-style
 * head, one logit per pixel, binary cross-entropy), with the builder's defaults otherwise.
 */
class AutoTrainOnceSegmentationTest extends ManagedTest {

  private static final Shape INPUT = new Shape(1, 1, 28, 28);

  private static SequentialBlock segmenter() {
    return TestModels.perPixelHead(48);
  }

  /** The first {@code count} images of {@code source}, each labelled by its own bright pixels. */
  private ArrayDataset brightPixels(Slice source, int count, int batch, boolean shuffle)
      throws IOException {
    NDList images = new NDList();
    for (int i = 0; i < count; i++) {
      images.add(source.get(manager, i).getData().singletonOrThrow());
    }
    NDArray x = NDArrays.stack(images);
    return new ArrayDataset.Builder()
        .setData(x)
        .optLabels(x.gt(0f).toType(DataType.FLOAT32, false))
        .setSampling(batch, shuffle)
        .build();
  }

  @Test
  void aPerPixelModelIsPrunedToTheTargetAndItsCompressedFormComputesTheSame() throws IOException {
    try (Slice trainImages = FashionMnistSlices.train(1600, 32);
        Slice testImages = FashionMnistSlices.test(300);
        Model model = Model.newInstance("segmenter")) {
      ArrayDataset train = brightPixels(trainImages, 1600, 32, true);
      ArrayDataset test = brightPixels(testImages, 300, 100, false);
      model.setBlock(segmenter());
      try (AutoTrainOnce ato =
              AutoTrainOnce.builder()
                  .setModel(model)
                  .setInputShape(INPUT)
                  .setTrainingData(train)
                  .optValidationData(test)
                  .optLoss(Loss.sigmoidBinaryCrossEntropyLoss())
                  .setFlopsReduction(0.4)
                  .setEpochs(3)
                  .build();
          AtoResult result = ato.fit()) {
        assertThat(result.targetMet()).isTrue();
        assertThat(result.metric()).isEqualTo(Loss.sigmoidBinaryCrossEntropyLoss().getName());
        assertThat(result.compressedMetric())
            .isCloseTo(result.maskedMetric(), org.assertj.core.api.Assertions.within(1e-4));
        assertThat(result.compressedMetric()).isLessThan(0.5 * constantGuessLoss(test));

        NDArray batch = test.get(manager, 0).getData().singletonOrThrow().expandDims(0);
        assertThat(
                maxAbsDifference(
                    run(ato.graph().block(), batch), run(result.compressed().block(), batch)))
            .isLessThan(1e-4f);
      }
    }
  }

  /**
   * The binary cross-entropy of the best constant guess, the share {@code p} of bright pixels:
   * {@code -p ln p - (1 - p) ln(1 - p)}. A model that learnt nothing scores this.
   */
  private double constantGuessLoss(ArrayDataset data) throws IOException {
    double bright = 0;
    long pixels = 0;
    for (int i = 0; i < data.size(); i++) {
      NDArray label = data.get(manager, i).getLabels().singletonOrThrow();
      bright += label.sum().getFloat();
      pixels += label.size();
    }
    double p = bright / pixels;
    return -p * Math.log(p) - (1 - p) * Math.log(1 - p);
  }

  private float[] run(ai.djl.nn.Block block, NDArray x) {
    return Outputs.run(block, x, manager);
  }
}
