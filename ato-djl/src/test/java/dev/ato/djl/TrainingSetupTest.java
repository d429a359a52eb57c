package dev.ato.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.loss.Loss;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.optimizer.Sgd;
import ai.djl.training.tracker.Tracker;
import dev.ato.djl.engine.DjlInternals;
import dev.ato.djl.testing.CifarNetworks;
import org.junit.jupiter.api.Test;

/** The model's training setup, from the builder's options or from a DJL TrainingConfig. */
class TrainingSetupTest {

  private static AutoTrainOnceBuilder builder() {
    return AutoTrainOnce.builder().setBlock(CifarNetworks.resNet(8, 10));
  }

  @Test
  void theDefaultsAreSgdAtFivePercentAndSoftmaxCrossEntropy() {
    TrainingSetup setup = TrainingSetup.of(builder(), 100);

    assertThat(setup.optimizer()).isInstanceOf(Sgd.class);
    assertThat(DjlInternals.learningRateTracker(setup.optimizer()).getNewValue("any", 1))
        .isEqualTo(0.05f);
    assertThat(setup.loss()).isInstanceOf(SoftmaxCrossEntropyLoss.class);
    assertThat(setup.evaluators()).isEmpty();
  }

  @Test
  void anOptimizerFunctionGetsTheRunsSteps() {
    long[] given = new long[1];
    TrainingSetup setup =
        TrainingSetup.of(
            builder()
                .optOptimizer(
                    steps -> {
                      given[0] = steps;
                      return Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.2f)).build();
                    }),
            360);

    assertThat(given[0]).isEqualTo(360);
    assertThat(DjlInternals.learningRateTracker(setup.optimizer()).getNewValue("any", 1))
        .isEqualTo(0.2f);
  }

  @Test
  void anOptimizerFunctionThatGivesNothingIsRefused() {
    AutoTrainOnceBuilder builder = builder().optOptimizer(steps -> null);

    assertThatThrownBy(() -> TrainingSetup.of(builder, 50))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("returned null for 50 steps");
  }

  @Test
  void aTrainingConfigIsTakenWholeItsLossNotAmongTheEvaluators() {
    Loss loss = Loss.l2Loss();
    Accuracy accuracy = new Accuracy();
    DefaultTrainingConfig config =
        new DefaultTrainingConfig(loss)
            .optDevices(new Device[] {Device.cpu()})
            .addEvaluator(accuracy)
            .addEvaluator(loss);

    TrainingSetup setup = TrainingSetup.of(builder().optTrainingConfig(config), 10);

    assertThat(setup.loss()).isSameAs(loss);
    assertThat(setup.evaluators()).containsExactly(accuracy);
    assertThat(setup.device()).isEqualTo(Device.cpu());
  }

  @Test
  void aTrainingConfigWithTwoDevicesIsRefusedWithTheFix() {
    DefaultTrainingConfig config =
        new DefaultTrainingConfig(Loss.l2Loss())
            .optDevices(new Device[] {Device.cpu(), Device.gpu(0)});

    assertThatThrownBy(() -> TrainingSetup.of(builder().optTrainingConfig(config), 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("names 2 devices")
        .hasMessageContaining("optDevices(new Device[] {device})");
  }
}
