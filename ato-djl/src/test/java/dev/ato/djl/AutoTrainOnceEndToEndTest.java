package dev.ato.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.ato.djl.data.IdxImageDataset;
import dev.ato.djl.models.CifarResNet;
import dev.ato.djl.testing.FashionMnistSlices;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * ATO end to end on real data: a small ResNet trained from scratch on a slice of Fashion-MNIST
 * (Debian's dataset-fashion-mnist) reaches the requested FLOPs reduction, and the compressed
 * network, with no fine-tuning, scores what the masked dense network scores.
 */
class AutoTrainOnceEndToEndTest {

  @Test
  void aResNetOnFashionMnistIsCutToTheBudgetWithoutLosingAccuracy() throws IOException {
    try (IdxImageDataset train = FashionMnistSlices.train(6000, 64);
        IdxImageDataset test = FashionMnistSlices.test(2000);
        Model model = Model.newInstance("resnet8")) {
      model.setBlock(CifarResNet.builder().setDepth(8).setClasses(10).build());
      try (AutoTrainOnce ato = AutoTrainOnce.builder()
              .setModel(model)
              .setInputShape(new Shape(1, 1, 28, 28))
              .setTrainingData(train)
              .optValidationData(test)
              .setFlopsReduction(0.5)
              .setEpochs(6)
              .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.05f))
                  .optMomentum(0.9f).optWeightDecays(5e-4f).build())
              // A short budget: train the controller at every step of a longer window, so that
              // its few hundred updates (the paper's runs have thousands) reach the target.
              .optControllerInterval(1)
              .optSchedule(0.05, 0.2, 0.7)
              .build();
          AtoResult result = ato.fit()) {
        assertThat(result.flopsReduction()).isCloseTo(0.5, within(0.02));
        // Group lasso with lambda 1000 after the window has driven every pruned group to zero.
        assertThat(result.prunedNormBeforeCut()).isZero();
        assertThat(result.compressedAccuracy()).isEqualTo(result.maskedAccuracy());
        assertThat(result.compressedAccuracy()).isGreaterThan(0.6);
        assertThat(result.compressed().cost().flops()).isEqualTo(result.flopsAfter());
        assertThat(result.channels().values()).anyMatch(c -> c.after() < c.before());
        assertThat(result.epochs()).hasSize(6);
        assertThat(result.controllerUpdates()).isNotEmpty();
      }
    }
  }
}
