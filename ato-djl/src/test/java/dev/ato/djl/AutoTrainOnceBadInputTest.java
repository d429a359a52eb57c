package dev.ato.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.ato.djl.testing.CifarNetworks;
import dev.ato.storage.Checkpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run whose loss stops being finite stops at that step with an error that names it, whatever made
 * it so (NaN in the data, a diverging learning rate), and keeps its last checkpoint.
 */
class AutoTrainOnceBadInputTest {

  @Test
  void aNaNInTheTrainingDataStopsTheRunAtTheStepThatMeetsIt() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray images = manager.randomNormal(new Shape(200, 1, 8, 8));
      // Twenty records, more than the 10 held out could ever hide.
      images.set(new NDIndex("0:20"), Float.NaN);
      ArrayDataset data = dataOf(manager, images);

      assertThatThrownBy(
              () ->
                  fit(
                      data,
                      3,
                      Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.05f)).build(),
                      null))
          .isInstanceOf(IllegalStateException.class)
          // The training batches or the controller's held-out batch, whichever meets it first.
          .hasMessageMatching(
              "the model's (training loss|loss on held-out data) is NaN at step "
                  + "\\d+ of 57 \\(epoch 1\\): "
                  + "the data hold NaN or infinite values, or the learning rate makes the model "
                  + "diverge; no checkpoints were asked for");
    }
  }

  @Test
  void aRunThatDivergesInItsSecondEpochKeepsTheCheckpointOfItsFirst(@TempDir Path directory)
      throws IOException {
    try (NDManager manager = NDManager.newBaseManager()) {
      ArrayDataset data = dataOf(manager, manager.randomNormal(new Shape(200, 1, 8, 8)));
      // 19 steps an epoch; from step 25 on the learning rate is absurd.
      Tracker exploding =
          new Tracker() {
            @Override
            public float getNewValue(int numUpdate) {
              return numUpdate > 25 ? 1e30f : 0.01f;
            }
          };

      assertThatThrownBy(
              () ->
                  fit(
                      data,
                      3,
                      Optimizer.sgd().setLearningRateTracker(exploding).build(),
                      Checkpoints.in(directory).build()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("(epoch 2)")
          .hasMessageEndingWith(
              "the last checkpoint, " + directory.resolve("epoch-0001") + ", is kept");
      try (Stream<Path> left = Files.list(directory)) {
        assertThat(left.map(p -> p.getFileName().toString())).containsExactly("epoch-0001");
      }
    }
  }

  private static ArrayDataset dataOf(NDManager manager, NDArray images) {
    return new ArrayDataset.Builder()
        .setData(images)
        .optLabels(
            manager.randomInteger(0, 3, new Shape(images.getShape().get(0)), DataType.FLOAT32))
        .setSampling(10, true)
        .build();
  }

  private static void fit(
      ArrayDataset data, int epochs, Optimizer optimizer, Checkpoints checkpoints) {
    AutoTrainOnceBuilder builder =
        AutoTrainOnce.builder()
            .setBlock(CifarNetworks.resNet(8, 3, 4))
            .setInputShape(new Shape(1, 1, 8, 8))
            .setTrainingData(data)
            .setFlopsReduction(0.3)
            .setEpochs(epochs)
            .optOptimizer(optimizer);
    if (checkpoints != null) {
      builder.optCheckpoints(checkpoints);
    }
    try (AutoTrainOnce ato = builder.build();
        AtoResult ignored = ato.fit()) {
      throw new AssertionError("the run finished");
    }
  }
}
