package dev.ato.djl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Dataset;
import dev.ato.djl.data.FashionMnist;
import dev.ato.djl.data.IdxImageDataset;
import dev.ato.djl.models.CifarResNet;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** ATO runs with half-space projection instead of group lasso, on a small slice of real data. */
class AutoTrainOnceHalfSpaceTest {

  @Test
  void aHalfSpaceRunPrunesAndTheCompressedModelScoresAsTheMaskedOne() throws IOException {
    try (IdxImageDataset train = FashionMnist.builder(Dataset.Usage.TRAIN).optLimit(1200)
            .optNormalization(FashionMnist.MEAN, FashionMnist.STD).setSampling(32, true).build();
        IdxImageDataset test = FashionMnist.builder(Dataset.Usage.TEST).optLimit(500)
            .optNormalization(FashionMnist.MEAN, FashionMnist.STD).setSampling(250, false)
            .build();
        Model model = Model.newInstance("resnet8")) {
      model.setBlock(CifarResNet.builder().setDepth(8).setClasses(10).optWidth(8).build());
      try (AutoTrainOnce ato = AutoTrainOnce.builder()
              .setModel(model)
              .setInputShape(new Shape(1, 1, 28, 28))
              .setTrainingData(train)
              .optValidationData(test)
              .setFlopsReduction(0.3)
              .setEpochs(3)
              .optProjection(Projection.halfSpace(0.1))
              .optControllerInterval(1)
              .build();
          AtoResult result = ato.fit()) {
        assertThat(result.mask().prunedCount()).isPositive();
        assertThat(result.flopsAfter()).isLessThan(result.flopsBefore());
        assertThat(result.compressedAccuracy()).isEqualTo(result.maskedAccuracy());
        assertThat(result.epochs()).extracting(EpochMetrics::prunedGroupNorm)
            .allMatch(norm -> norm >= 0);
      }
    }
  }
}
