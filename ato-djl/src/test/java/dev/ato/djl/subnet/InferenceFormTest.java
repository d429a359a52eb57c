package dev.ato.djl.subnet;

import static dev.ato.djl.testing.Outputs.maxAbsDifference;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import dev.ato.djl.tensor.RandomArrays;
import dev.ato.djl.testing.CifarNetworks;
import dev.ato.djl.testing.ManagedTest;
import dev.ato.djl.testing.Outputs;
import dev.ato.djl.testing.PrunedModels;
import dev.ato.djl.testing.SavedModels;
import dev.ato.djl.testing.TestModels;
import dev.ato.graph.Layer;
import dev.ato.groups.GroupOptions;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inference form of a compressed network: batch norms folded into the layers before them, the
 * same outputs in inference mode, saved and loaded like the trainable form, which stays.
 */
class InferenceFormTest extends ManagedTest {

  private static final Shape CIFAR = new Shape(2, 3, 32, 32);

  @Test
  void aFoldedResNetComputesWhatTheTrainableFormComputesWithNoBatchNormLeft() {
    CompressedModel trainable =
        PrunedModels.randomlyPruned(CifarNetworks.resNet(20, 10), CIFAR, 1, manager);

    try (CompressedModel inference = trainable.forInference()) {
      assertThat(difference(trainable, inference, CIFAR)).isLessThanOrEqualTo(1e-4f);
      assertThat(kinds(inference)).doesNotContain("batchnorm");
      // 19 convolutions' and the 2 shortcuts' batch norms are gone.
      assertThat(inference.graph().nodes()).hasSize(trainable.graph().nodes().size() - 21);
      assertThat(inference.form()).isEqualTo(SubnetSpec.Form.INFERENCE);
      assertThat(trainable.form()).isEqualTo(SubnetSpec.Form.TRAINABLE);
    }
  }

  @Test
  void aFoldedMobileNetV2ComputesWhatTheTrainableFormComputes() {
    CompressedModel trainable =
        PrunedModels.randomlyPruned(
            CifarNetworks.mobileNetV2(10, 0.35),
            CIFAR,
            2,
            GroupOptions.builder().optPruneResidualStreams(true).build(),
            manager);

    try (CompressedModel inference = trainable.forInference()) {
      assertThat(difference(trainable, inference, CIFAR)).isLessThanOrEqualTo(1e-4f);
      assertThat(kinds(inference)).doesNotContain("batchnorm");
    }
  }

  @Test
  void aBatchNormAfterALinearLayerFoldsIntoIt() {
    Block block =
        new SequentialBlock()
            .add(Blocks.batchFlattenBlock())
            .add(Linear.builder().setUnits(12).build())
            .add(BatchNorm.builder().build())
            .add(Activation.reluBlock())
            .add(Linear.builder().setUnits(3).build());
    Shape input = new Shape(2, 2, 4, 4);
    CompressedModel trainable = PrunedModels.randomlyPruned(block, input, 3, manager);

    try (CompressedModel inference = trainable.forInference()) {
      assertThat(difference(trainable, inference, input)).isLessThanOrEqualTo(1e-5f);
      assertThat(kinds(inference)).containsExactly("input", "flatten", "linear", "relu", "linear");
    }
  }

  @Test
  void aBatchNormReadingTheInputStaysAsItIs() {
    // The first batch norm reads the input itself: there is no layer to fold it into.
    Block block =
        new SequentialBlock()
            .add(BatchNorm.builder().build())
            .add(TestModels.conv(6, 3, 1, 1))
            .add(BatchNorm.builder().build())
            .add(Activation.reluBlock())
            .add(TestModels.conv(2, 1, 0, 1));
    Shape input = new Shape(2, 3, 8, 8);
    CompressedModel trainable = PrunedModels.randomlyPruned(block, input, 4, manager);

    try (CompressedModel inference = trainable.forInference()) {
      assertThat(difference(trainable, inference, input)).isLessThanOrEqualTo(1e-5f);
      assertThat(kinds(inference))
          .containsExactly("input", "batchnorm", "conv2d", "relu", "conv2d");
      assertThat(inference.graph().nodes().get(2).layer())
          .isInstanceOfSatisfying(Layer.Conv2d.class, conv -> assertThat(conv.bias()).isTrue());
    }
  }

  @Test
  void theInferenceFormSavesAndServesThroughCriteriaAsItself(@TempDir Path directory)
      throws Exception {
    CompressedModel trainable =
        PrunedModels.randomlyPruned(TestModels.concatCnn(5), new Shape(2, 3, 16, 16), 5, manager);
    NDArray x = RandomArrays.gaussian(manager, new Shape(2, 3, 16, 16), 1, new SplittableRandom(5));
    float[] expected = Outputs.run(trainable.block(), x, manager);
    try (CompressedModel inference = trainable.forInference()) {
      inference.save(directory);
    }
    Criteria<NDList, NDList> criteria = SavedModels.criteria(directory, "PyTorch");

    try (ZooModel<NDList, NDList> model = criteria.loadModel();
        Predictor<NDList, NDList> predictor = model.newPredictor();
        NDManager other = NDManager.newBaseManager()) {
      float[] served =
          predictor.predict(new NDList(x.duplicate())).singletonOrThrow().toFloatArray();

      assertThat(maxAbsDifference(served, expected)).isLessThanOrEqualTo(1e-5f);
      assertThat(CompressedModel.load(directory, other).form())
          .isEqualTo(SubnetSpec.Form.INFERENCE);
    }
  }

  private float difference(CompressedModel a, CompressedModel b, Shape input) {
    NDArray x = RandomArrays.gaussian(manager, input, 1, new SplittableRandom(9));
    return maxAbsDifference(Outputs.run(a.block(), x, manager), Outputs.run(b.block(), x, manager));
  }

  private static java.util.List<String> kinds(CompressedModel model) {
    return model.graph().nodes().stream().map(n -> n.layer().kind()).toList();
  }
}
