package dev.ato.djl.subnet;

import static dev.ato.djl.testing.Outputs.maxAbsDifference;
import static dev.ato.djl.testing.PrunedModels.randomMask;
import static dev.ato.djl.testing.PrunedModels.zeroPruned;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import dev.ato.cost.CostModel;
import dev.ato.djl.graph.ModelGraph;
import dev.ato.djl.graph.ModelReader;
import dev.ato.djl.graph.ReadOptions;
import dev.ato.djl.tensor.InPlace;
import dev.ato.djl.tensor.RandomArrays;
import dev.ato.djl.testing.ManagedTest;
import dev.ato.djl.testing.Outputs;
import dev.ato.djl.testing.SavedModels;
import dev.ato.djl.testing.TestModels;
import dev.ato.graph.Layer;
import dev.ato.groups.GroupMask;
import dev.ato.groups.GroupOptions;
import dev.ato.groups.GroupSet;
import dev.ato.groups.ZeroInvariantGroups;
import dev.ato.storage.Checksums;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compressed network computes what the masked dense network computes (docs/method.md, "The
 * training loop") and costs what the cost model predicts, on DJL's zoo ResNetV1-50, MobileNetV2 and
 * SqueezeNet, on a CNN with a concat and on one whose pools round up, for random masks of several
 * seeds.
 */
class CompressedModelTest extends ManagedTest {

  private static final int[] SEEDS = {1, 2, 3};

  @Test
  void zooResNet50CompressesExactly() {
    assertCompressesExactly(
        TestModels.zooResNet50(10), new Shape(2, 3, 64, 64), GroupOptions.defaults());
  }

  @Test
  void zooResNet50WithPrunedResidualStreamsCompressesExactly() {
    assertCompressesExactly(
        TestModels.zooResNet50(10),
        new Shape(2, 3, 64, 64),
        GroupOptions.builder().optPruneResidualStreams(true).build());
  }

  @Test
  void zooMobileNetV2CompressesExactly() {
    assertCompressesExactly(
        TestModels.zooMobileNetV2(10),
        new Shape(2, 3, 32, 32),
        GroupOptions.builder().optPruneResidualStreams(true).build());
  }

  @Test
  void aConcatCnnCompressesExactly() {
    assertCompressesExactly(
        TestModels.concatCnn(5), new Shape(2, 3, 16, 16), GroupOptions.defaults());
  }

  @Test
  void zooSqueezeNetCompressesExactlyAtAnInputWhereItsPoolsRoundUp() {
    assertCompressesExactly(
        TestModels.zooSqueezeNet(10), new Shape(2, 3, 65, 65), GroupOptions.defaults());
  }

  @Test
  void aModelWhosePoolsRoundUpCompressesExactly() {
    assertCompressesExactly(
        TestModels.ceilPoolCnn(5), new Shape(2, 3, 8, 8), GroupOptions.defaults());
  }

  @Test
  void aModelWhosePoolsRoundUpSavesAndLoadsBack(@TempDir Path directory) {
    Shape input = new Shape(2, 3, 8, 8);
    ModelGraph model =
        ModelReader.read(
            TestModels.initialise(TestModels.ceilPoolCnn(5), manager, input), input, "ceil-pools");
    GroupSet groups = ZeroInvariantGroups.find(model.graph());
    GroupMask mask = randomMask(groups.size(), 5);
    zeroPruned(model, groups, mask);
    CompressedModel compressed = CompressedModel.compress(model, groups, mask, manager);
    NDArray x = RandomArrays.gaussian(manager, input, 1, new SplittableRandom(6));

    compressed.save(directory);
    try (NDManager other = NDManager.newBaseManager()) {
      CompressedModel loaded = CompressedModel.load(directory, other);

      assertThat(loaded.graph().node("04LambdaBlock").layer())
          .isEqualTo(new Layer.Pool2d(Layer.PoolKind.MAX, 3, 2, 0, true));
      assertThat(loaded.graph().node("07LambdaBlock").layer())
          .isEqualTo(new Layer.Pool2d(Layer.PoolKind.AVG, 3, 2, 1, true));
      assertThat(
              maxAbsDifference(
                  run(compressed.block(), x), run(loaded.block(), x.toDevice(x.getDevice(), true))))
          .isZero();
    }
  }

  @Test
  void aModelWithAnOpaqueBlockCompressesExactlyButCannotBeSaved(@TempDir Path directory) {
    Shape input = new Shape(2, 3, 8, 8);
    ModelGraph model =
        ModelReader.read(
            TestModels.initialise(TestModels.customBlockCnn(4), manager, input),
            input,
            "custom",
            ReadOptions.opaqueUnknownBlocks());
    GroupSet groups = ZeroInvariantGroups.find(model.graph());
    GroupMask mask = GroupMask.of(true, false, true, false, false, true);
    zeroPruned(model, groups, mask);
    NDArray x = RandomArrays.gaussian(manager, input, 1, new SplittableRandom(4));

    try (CompressedModel compressed = CompressedModel.compress(model, groups, mask)) {
      assertThat(maxAbsDifference(run(model.block(), x), run(compressed.block(), x)))
          .isLessThanOrEqualTo(1e-5f);
      assertThatThrownBy(() -> compressed.save(directory))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("cannot save the compressed model: it holds opaque blocks");
    }
  }

  @Test
  void aSavedModelLoadsBackWithoutTheOriginal(@TempDir Path directory) {
    CompressedModel compressed = savedConcatCnn(directory);
    NDArray x = RandomArrays.gaussian(manager, new Shape(2, 3, 16, 16), 1, new SplittableRandom(3));

    try (NDManager other = NDManager.newBaseManager()) {
      CompressedModel loaded = CompressedModel.load(directory, other);

      assertThat(
              maxAbsDifference(
                  run(compressed.block(), x), run(loaded.block(), x.toDevice(x.getDevice(), true))))
          .isZero();
      assertThat(loaded.cost().flops()).isEqualTo(compressed.cost().flops());
      assertThat(loaded.mask()).isEmpty();
    }
  }

  @Test
  void aSavedModelLoadsThroughDjlsCriteriaAndServesAPredictor(@TempDir Path directory)
      throws Exception {
    CompressedModel compressed = savedConcatCnn(directory);
    NDArray x = RandomArrays.gaussian(manager, new Shape(2, 3, 16, 16), 1, new SplittableRandom(3));
    float[] expected;
    try (NDManager other = NDManager.newBaseManager()) {
      expected = run(CompressedModel.load(directory, other).block(), x);
    }
    Criteria<NDList, NDList> criteria = SavedModels.criteria(directory, "PyTorch");

    try (ZooModel<NDList, NDList> model = criteria.loadModel();
        Predictor<NDList, NDList> predictor = model.newPredictor();
        NDManager inputs = NDManager.newBaseManager()) {
      NDArray predicted =
          predictor
              .predict(new NDList(x.toDevice(x.getDevice(), true).duplicate()))
              .singletonOrThrow();

      assertThat(model.getBlock()).isInstanceOf(SubnetBlock.class);
      assertThat(maxAbsDifference(predicted.toFloatArray(), expected)).isZero();
      assertThat(compressed.cost().flops())
          .isEqualTo(CostModel.of(((SubnetBlock) model.getBlock()).graph()).flops());
    }
  }

  @Test
  void aSavedModelLoadsThroughModelLoadWithTheBlockFactory(@TempDir Path directory)
      throws Exception {
    CompressedModel compressed = savedConcatCnn(directory);
    NDArray x = RandomArrays.gaussian(manager, new Shape(2, 3, 16, 16), 1, new SplittableRandom(4));

    try (Model model = Model.newInstance("any-name")) {
      model.setBlock(new CompressedBlockFactory().newBlock(model, directory, Map.of()));
      model.load(directory, CompressedModel.MODEL_NAME);

      assertThat(maxAbsDifference(run(model.getBlock(), x), run(compressed.block(), x))).isZero();
    }
  }

  /** The concat CNN compressed by a random mask with its pruned groups at zero, saved. */
  private CompressedModel savedConcatCnn(Path directory) {
    Shape input = new Shape(2, 3, 16, 16);
    ModelGraph model =
        ModelReader.read(
            TestModels.initialise(TestModels.concatCnn(5), manager, input), input, "concat-cnn");
    GroupSet groups = ZeroInvariantGroups.find(model.graph());
    GroupMask mask = randomMask(groups.size(), 7);
    zeroPruned(model, groups, mask);
    CompressedModel compressed = CompressedModel.compress(model, groups, mask, manager);
    compressed.save(directory);
    return compressed;
  }

  @Test
  void loadingAnEmptyDirectoryNamesTheMissingFile(@TempDir Path directory) {
    assertThatThrownBy(() -> CompressedModel.load(directory, manager))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            directory
                + " holds no saved compressed model: "
                + directory.resolve("architecture.json")
                + " is missing");
  }

  @Test
  void loadingTruncatedParametersIsAClearError(@TempDir Path directory) throws IOException {
    savedConcatCnn(directory);
    Path parameters = directory.resolve(CompressedModel.MODEL_NAME + "-0000.params");
    long size = Files.size(parameters);
    try (var channel = Files.newByteChannel(parameters, StandardOpenOption.WRITE)) {
      channel.truncate(size / 2);
    }

    assertThatThrownBy(() -> CompressedModel.load(directory, manager))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            parameters
                + " does not match its checksum in checksums.sha256: the file is "
                + "damaged or was changed after it was saved; save it again");
  }

  @Test
  void truncatedParametersWithTheirChecksumWrittenAgainAreAClearErrorToo(@TempDir Path directory)
      throws IOException {
    savedConcatCnn(directory);
    Path parameters = directory.resolve(CompressedModel.MODEL_NAME + "-0000.params");
    long size = Files.size(parameters);
    try (var channel = Files.newByteChannel(parameters, StandardOpenOption.WRITE)) {
      channel.truncate(size / 2);
    }
    resign(directory);

    assertThatThrownBy(() -> CompressedModel.load(directory, manager))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "the parameters in "
                + parameters
                + " cannot be read with the "
                + "architecture in "
                + directory.resolve("architecture.json"));
  }

  @Test
  void aDamagedArchitectureWithItsChecksumWrittenAgainIsAClearError(@TempDir Path directory)
      throws IOException {
    savedConcatCnn(directory);
    Path architecture = directory.resolve("architecture.json");
    String text = Files.readString(architecture);
    Files.writeString(architecture, text.substring(0, text.length() / 2));
    resign(directory);

    assertThatThrownBy(() -> CompressedModel.load(directory, manager))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(architecture + " is not a compressed model's architecture");
  }

  @Test
  void theParametersOfAnotherModelWithTheirChecksumWrittenAgainAreAClearError(
      @TempDir Path directory, @TempDir Path other) throws IOException {
    savedConcatCnn(directory);
    Shape input = new Shape(2, 3, 16, 16);
    ModelGraph model =
        ModelReader.read(
            TestModels.initialise(TestModels.concatCnn(5), manager, input), input, "concat-cnn");
    GroupSet groups = ZeroInvariantGroups.find(model.graph());
    CompressedModel.compress(model, groups, randomMask(groups.size(), 8), manager).save(other);
    Path parameters = directory.resolve(CompressedModel.MODEL_NAME + "-0000.params");
    Files.copy(
        other.resolve(CompressedModel.MODEL_NAME + "-0000.params"),
        parameters,
        StandardCopyOption.REPLACE_EXISTING);
    resign(directory);

    assertThatThrownBy(() -> CompressedModel.load(directory, manager))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "the parameters in "
                + parameters
                + " cannot be read with the "
                + "architecture in "
                + directory.resolve("architecture.json"));
  }

  /** Writes the directory's checksums again, as someone who changed it on purpose would. */
  private static void resign(Path directory) throws IOException {
    Checksums.write(directory, CompressedModel.SAVED_FILES);
  }

  private void assertCompressesExactly(Block block, Shape input, GroupOptions options) {
    ModelGraph model =
        ModelReader.read(TestModels.initialise(block, manager, input), input, "model");
    GroupSet groups = ZeroInvariantGroups.find(model.graph(), options);
    CostModel cost = CostModel.of(model.graph(), groups);
    NDArray x = RandomArrays.gaussian(manager, input, 1, new SplittableRandom(11));
    for (int seed : SEEDS) {
      GroupMask mask = randomMask(groups.size(), seed);
      float[][] saved = zeroPruned(model, groups, mask);
      CompressedModel compressed = CompressedModel.compress(model, groups, mask, manager);

      float[] dense = run(model.block(), x);
      float[] small = run(compressed.block(), x);

      assertThat(maxAbsDifference(dense, small)).as("seed %s", seed).isLessThanOrEqualTo(1e-4f);
      assertThat((double) compressed.cost().flops())
          .isEqualTo(cost.flops(compressed.mask().orElseThrow()));
      assertThat(compressed.cost().flops()).isLessThan(cost.flops());
      restore(model, saved);
    }
  }

  private static void restore(ModelGraph model, float[][] saved) {
    var parameters = model.block().getParameters();
    for (int i = 0; i < saved.length; i++) {
      InPlace.copy(saved[i], parameters.valueAt(i).getArray());
    }
  }

  private float[] run(Block block, NDArray x) {
    return Outputs.run(block, x, manager);
  }
}
