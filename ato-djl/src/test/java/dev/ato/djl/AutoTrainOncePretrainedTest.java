package dev.ato.djl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import dev.ato.djl.testing.CifarNetworks;
import dev.ato.djl.testing.FashionMnistSlices;
import dev.ato.djl.testing.FashionMnistSlices.Slice;
import java.io.IOException;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * A trained model goes in: plain DJL training first, then a short ATO run whose controller and
 * projection start at the first step, as docs/design.md recommends for a pretrained start.
 */
class AutoTrainOncePretrainedTest {

  @Test
  void aTrainedResNetIsPrunedToTheTargetInAShortRunAndScoredBeforeAndAfter()
      throws IOException, TranslateException {
    try (Slice train = FashionMnistSlices.train(2400, 32);
        Slice test = FashionMnistSlices.test(1000);
        Model model = Model.newInstance("resnet8")) {
      model.setBlock(CifarNetworks.resNet(8, 10, 8));
      try (Trainer trainer =
          model.newTrainer(
              new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                  .optOptimizer(
                      Optimizer.sgd()
                          .setLearningRateTracker(Tracker.fixed(0.05f))
                          .optMomentum(0.9f)
                          .build()))) {
        // The user's own pretraining, seeded as a user would to repeat it.
        Engine.getInstance().setRandomSeed(1);
        trainer.initialize(new Shape(1, 1, 28, 28));
        EasyTrain.fit(trainer, 6, train, null);
      }
      double before = Scoring.score(model.getBlock(), new Accuracy(), test);

      try (AutoTrainOnce ato =
              AutoTrainOnce.builder()
                  .setModel(model)
                  .setInputShape(new Shape(1, 1, 28, 28))
                  .setTrainingData(train)
                  .optValidationData(test)
                  .setFlopsReduction(0.5)
                  .setEpochs(2)
                  .optSchedule(0.0, 0.0, 0.5)
                  .build();
          AtoResult result = ato.fit()) {
        System.out.printf(
            Locale.ROOT,
            "pretrained start: accuracy before %.4f, after %.4f "
                + "(masked %.4f) at -%.1f%% FLOPs in %d steps%n",
            before,
            result.compressedMetric(),
            result.maskedMetric(),
            100 * result.flopsReduction(),
            ato.totalSteps());
        assertThat(result.targetMet()).isTrue();
        assertThat(result.compressedMetric()).isEqualTo(result.maskedMetric());
        // Reported, not promised: how much of a little-trained model's accuracy survives losing
        // half its FLOPs in 144 steps varies with the run (docs/results.md). Chance is 0.1.
        assertThat(result.compressedMetric()).isGreaterThan(0.3);
      }
    }
  }
}
