package dev.ato.djl.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import org.junit.jupiter.api.Test;

/**
 * Proves the pinned toolchain on the real PyTorch engine, offline: a forward pass, a backward pass
 * and an SGD step of a tiny linear layer, checked against values computed by hand.
 */
class PyTorchToolchainTest {

  @Test
  void theDefaultEngineIsPyTorchAndRunsOffline() {
    assertThat(Engine.getInstance().getEngineName()).isEqualTo("PyTorch");
    assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
  }

  @Test
  void aLinearLayerTrainsOneStepAsComputedByHand() {
    try (Model model = Model.newInstance("tiny")) {
      model.setBlock(Linear.builder().setUnits(2).build());
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(Loss.l2Loss())
              .optInitializer(Initializer.ONES, Parameter.Type.WEIGHT)
              .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f)).build());
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(new Shape(2, 3));
        NDManager manager = trainer.getManager();
        NDArray x = manager.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(2, 3));

        float[] output;
        float[] weightGradient;
        float[] biasGradient;
        try (GradientCollector collector = trainer.newGradientCollector()) {
          NDArray y = trainer.forward(new NDList(x)).singletonOrThrow();
          output = y.toFloatArray();
          collector.backward(y.sum());
          // The engine zeroes gradients in step(): read them first.
          NDArray weight = parameter(model, "weight");
          weightGradient = weight.getGradient().toFloatArray();
          biasGradient = parameter(model, "bias").getGradient().toFloatArray();
        }
        trainer.step();

        // Weights of ones, zero bias: each unit sums its input row.
        assertThat(output).containsExactly(6, 6, 15, 15);
        // d(sum y)/dW[j][i] = sum_n x[n][i]; d(sum y)/db[j] = batch size.
        assertThat(weightGradient).containsExactly(5, 7, 9, 5, 7, 9);
        assertThat(biasGradient).containsExactly(2, 2);
        // SGD: w = 1 - 0.1 * grad.
        assertThat(parameter(model, "weight").toFloatArray())
            .usingComparatorWithPrecision(1e-6f)
            .containsExactly(0.5f, 0.3f, 0.1f, 0.5f, 0.3f, 0.1f);
      }
    }
  }

  private static NDArray parameter(Model model, String name) {
    return model.getBlock().getParameters().get(name).getArray();
  }
}
