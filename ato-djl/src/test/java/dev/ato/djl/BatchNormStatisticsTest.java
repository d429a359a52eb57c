package dev.ato.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.loss.Loss;
import dev.ato.djl.tensor.InPlace;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BatchNormStatisticsTest {

  private NDManager manager;
  private Model model;
  private Trainer trainer;
  private Parameter runningMean;

  /** A batch norm over one feature whose running mean says 100. */
  @BeforeEach
  void batchNormWithAStaleMean() {
    manager = NDManager.newBaseManager();
    model = Model.newInstance("batch-norm");
    model.setBlock(BatchNorm.builder().build());
    trainer = model.newTrainer(new DefaultTrainingConfig(Loss.l2Loss()));
    trainer.initialize(new Shape(4, 1));
    runningMean = model.getBlock().getParameters().get("runningMean");
    InPlace.copy(new float[] {100}, runningMean.getArray());
  }

  @AfterEach
  void close() {
    trainer.close();
    model.close();
    manager.close();
  }

  /** Eight batches of four records, every value 2: each batch's mean is 2. */
  private ArrayDataset twos() {
    float[] values = new float[32];
    Arrays.fill(values, 2f);
    return new ArrayDataset.Builder()
        .setData(manager.create(values, new Shape(32, 1)))
        .optLabels(manager.create(new float[32], new Shape(32, 1)))
        .setSampling(4, false)
        .build();
  }

  @Test
  void theRunningMeanMovesTowardsTheTrainingBatchesOneMomentumStepPerBatch() {
    try (BatchNormStatistics ignored = BatchNormStatistics.reestimated(trainer, twos(), 3)) {
      // DJL's momentum 0.9, three batches: 100 * 0.9^3 + 2 * (1 - 0.9^3) = 72.9 + 0.542.
      assertThat(runningMean.getArray().toFloatArray()[0]).isCloseTo(73.442f, within(1e-3f));
    }
  }

  @Test
  void noMoreBatchesThanTheDataHas() {
    try (BatchNormStatistics ignored = BatchNormStatistics.reestimated(trainer, twos(), 20)) {
      // Eight batches: 100 * 0.9^8 + 2 * (1 - 0.9^8) = 43.047 + 1.139.
      assertThat(runningMean.getArray().toFloatArray()[0]).isCloseTo(44.186f, within(1e-3f));
    }
  }

  @Test
  void noBatchesLeaveTheStatisticsAsTheyAre() {
    try (BatchNormStatistics ignored = BatchNormStatistics.reestimated(trainer, twos(), 0)) {
      assertThat(runningMean.getArray().toFloatArray()).containsExactly(100f);
    }
  }

  @Test
  void closingPutsTheRunsOwnStatisticsBack() {
    BatchNormStatistics.reestimated(trainer, twos(), 3).close();

    assertThat(runningMean.getArray().toFloatArray()).containsExactly(100f);
  }
}
