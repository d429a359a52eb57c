package dev.ato.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import dev.ato.djl.testing.CifarNetworks;
import dev.ato.djl.testing.FashionMnistSlices;
import dev.ato.djl.testing.FashionMnistSlices.Slice;
import dev.ato.projection.Projection;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** ATO runs with half-space projection instead of group lasso, on a small slice of real data. */
class AutoTrainOnceHalfSpaceTest {

  @Test
  void aHalfSpaceRunPrunesAndTheCompressedModelScoresAsTheMaskedOne() throws IOException {
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
                  .setEpochs(3)
                  .optProjection(Projection.halfSpace(0.1))
                  .build();
          AtoResult result = ato.fit()) {
        assertThat(result.flopsReduction()).isCloseTo(0.3, within(0.01));
        assertThat(result.targetMet()).isTrue();
        // The projection itself brought every pruned group to exact zero: finish() cut nothing
        // that mattered, and the dense model is the one that was trained.
        assertThat(result.prunedNormBeforeCut()).isZero();
        assertThat(result.compressedMetric()).isEqualTo(result.maskedMetric());
        assertThat(result.compressedMetric()).isGreaterThan(0.3);
      }
    }
  }
}
