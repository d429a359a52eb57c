package dev.ato.djl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.util.Pair;
import dev.ato.djl.testing.CifarNetworks;
import dev.ato.djl.testing.DefaultRuns;
import dev.ato.djl.testing.FashionMnistSlices;
import dev.ato.djl.testing.GcPressureRuns;
import java.io.IOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The controller learns on held-out data through the frozen model and changes nothing of it:
 * neither its parameters, nor batch norm's running statistics, nor the gradients the model's next
 * optimiser step will use; its gradients are finite, however often the garbage collector runs; and
 * the held-out records never reach the model's training.
 */
class ControllerStepTest {

  @Test
  void aControllerUpdateLeavesTheModelsParametersStatisticsAndGradientsAsTheyWere()
      throws IOException {
    try (FashionMnistSlices.Slice train = FashionMnistSlices.train(240, 20);
        AutoTrainOnce ato = DefaultRuns.halvingResNet(8, train).build();
        Trainer trainer = ato.model().newTrainer(ato.context().settings().trainingConfig())) {
      trainer.initialize(ato.graph().inputShape());
      for (Batch batch : Batches.of(trainer, ato.context().settings().train(), "training")) {
        // Forward and backward only: the gradients stay for the optimiser step to come.
        EasyTrain.trainBatch(trainer, batch);
        batch.close();
        break;
      }
      Map<String, float[]> before = modelState(ato);
      assertThat(before).containsKey("gradient of 01Conv2d_weight");
      assertThat(before.get("gradient of 01Conv2d_weight"))
          .isNotEqualTo(new float[before.get("gradient of 01Conv2d_weight").length]);

      try (ControllerStep controller = ControllerStep.open(ato.context(), trainer)) {
        AtoListener.ControllerUpdate update = controller.update(3);
        assertThat(update.applied()).isTrue();
      }

      Map<String, float[]> after = modelState(ato);
      assertThat(after.keySet()).containsExactlyElementsOf(before.keySet());
      before.forEach(
          (name, values) -> assertThat(after.get(name)).as(name).containsExactly(values));
    }
  }

  @Test
  void heldOutRecordsNeverReachTheModelsTrainingBatches() {
    Set<Long> trained = new HashSet<>();
    try (NDManager manager = NDManager.newBaseManager()) {
      // Every pixel of record i is i, so a batch tells which records it holds.
      int records = 200;
      NDArray images =
          manager
              .arange(0f, records)
              .reshape(records, 1, 1, 1)
              .broadcast(new Shape(records, 1, 8, 8))
              .duplicate();
      ArrayDataset data =
          new ArrayDataset.Builder()
              .setData(images)
              .optLabels(manager.randomInteger(0, 3, new Shape(records), DataType.FLOAT32))
              .setSampling(10, true)
              .build();
      TrainingListener spy =
          new TrainingListenerAdapter() {
            @Override
            public void onTrainingBatch(Trainer trainer, BatchData batchData) {
              float[] firstPixels =
                  batchData.getBatch().getData().head().get(":, 0, 0, 0").toFloatArray();
              for (float pixel : firstPixels) {
                trained.add((long) pixel);
              }
            }
          };
      try (AutoTrainOnce ato =
              AutoTrainOnce.builder()
                  .setBlock(CifarNetworks.resNet(8, 3, 4))
                  .setInputShape(new Shape(1, 1, 8, 8))
                  .setTrainingData(data)
                  .setFlopsReduction(0.3)
                  .setEpochs(2)
                  .addTrainingListeners(spy)
                  .build();
          AtoResult ignored = ato.fit()) {
        Set<Long> heldOut = new HashSet<>(ato.context().settings().heldOutIndices());
        assertThat(heldOut).hasSize(10);
        assertThat(trained).doesNotContainAnyElementsOf(heldOut);
        assertThat(trained).hasSize(records - heldOut.size());
        assertThat(trained).allMatch(index -> index >= 0 && index < records);
      }
    }
  }

  @Test
  void underGarbageCollectionPressureNoControllerGradientIsNonFinite() throws IOException {
    GcPressureRuns.Outcome outcome = GcPressureRuns.run(3);

    // 18 steps a run: the controller trains at steps 1 to 9.
    assertThat(outcome.updates()).isEqualTo(3 * 9);
    assertThat(outcome.skipped()).isEmpty();
  }

  /** Every parameter's values, and every gradient, by name. */
  private static Map<String, float[]> modelState(AutoTrainOnce ato) {
    Map<String, float[]> state = new LinkedHashMap<>();
    for (Pair<String, Parameter> pair : ato.model().getBlock().getParameters()) {
      NDArray array = pair.getValue().getArray();
      state.put(pair.getKey(), array.toFloatArray());
      if (pair.getValue().requiresGradient()) {
        state.put("gradient of " + pair.getKey(), array.getGradient().toFloatArray());
      }
    }
    return state;
  }
}
