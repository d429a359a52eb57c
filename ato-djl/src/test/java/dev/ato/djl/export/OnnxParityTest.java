package dev.ato.djl.export;

import static dev.ato.djl.testing.Outputs.maxAbsDifference;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.basicmodelzoo.cv.classification.AlexNet;
import ai.djl.basicmodelzoo.cv.classification.MobileNetV1;
import ai.djl.basicmodelzoo.cv.classification.VGG;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.pooling.Pool;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.ato.djl.graph.ModelGraph;
import dev.ato.djl.graph.ModelReader;
import dev.ato.djl.subnet.CompressedModel;
import dev.ato.djl.tensor.RandomArrays;
import dev.ato.djl.testing.CifarNetworks;
import dev.ato.djl.testing.ManagedTest;
import dev.ato.djl.testing.OnnxRuntimes;
import dev.ato.djl.testing.Outputs;
import dev.ato.djl.testing.PrunedModels;
import dev.ato.djl.testing.TestModels;
import dev.ato.groups.GroupMask;
import dev.ato.groups.GroupOptions;
import dev.ato.groups.GroupSet;
import dev.ato.groups.ZeroInvariantGroups;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ONNX Runtime computes what DJL computes, within 1e-4 (of the outputs' scale, where they exceed 1:
 * float32 sums in another order differ by more on ResNet-50's outputs of about 16), for every
 * architecture the library's tests read: dense, and compressed by a random mask in both forms
 * (batch norms kept and folded), at batch 1 and 8 through one session (the batch dimension is
 * dynamic).
 */
class OnnxParityTest extends ManagedTest {

  private static final float TOLERANCE = 1e-4f;
  private static final int[] BATCHES = {1, 8};

  /** An architecture: its block, its input (batch 1) and how its groups are found. */
  record Architecture(String name, Supplier<Block> block, Shape input, GroupOptions groups) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> architectures() {
    GroupOptions residual = GroupOptions.builder().optPruneResidualStreams(true).build();
    GroupOptions plain = GroupOptions.defaults();
    return Stream.of(
            new Architecture(
                "CIFAR ResNet-20",
                () -> CifarNetworks.resNet(20, 10),
                new Shape(1, 3, 32, 32),
                plain),
            new Architecture(
                "CIFAR ResNet-20, residual streams pruned",
                () -> CifarNetworks.resNet(20, 10),
                new Shape(1, 1, 28, 28),
                residual),
            new Architecture(
                "CIFAR MobileNetV2 0.35",
                () -> CifarNetworks.mobileNetV2(10, 0.35),
                new Shape(1, 3, 32, 32),
                residual),
            new Architecture(
                "DJL zoo ResNetV1-50",
                () -> TestModels.zooResNet50(10),
                new Shape(1, 3, 64, 64),
                plain),
            new Architecture(
                "DJL zoo MobileNetV1 0.25",
                () -> MobileNetV1.builder().optWidthMultiplier(0.25f).setOutSize(10).build(),
                new Shape(1, 3, 32, 32),
                plain),
            new Architecture(
                "DJL zoo MobileNetV2",
                () -> TestModels.zooMobileNetV2(10),
                new Shape(1, 3, 32, 32),
                residual),
            new Architecture(
                "DJL zoo VGG-11, narrow",
                () ->
                    VGG.builder()
                        .setNumLayers(11)
                        .setConvArch(new int[][] {{1, 8}, {1, 16}, {2, 16}, {2, 32}, {2, 32}})
                        .setOutSize(10)
                        .build(),
                new Shape(1, 3, 32, 32),
                plain),
            new Architecture(
                "DJL zoo SqueezeNet (pools rounding up)",
                () -> TestModels.zooSqueezeNet(10),
                new Shape(1, 3, 65, 65),
                plain),
            new Architecture(
                "concat (GoogLeNet-style)",
                () -> TestModels.concatCnn(5),
                new Shape(1, 3, 16, 16),
                plain),
            new Architecture(
                "DJL zoo AlexNet, narrow (flatten to linear)",
                () ->
                    AlexNet.builder()
                        .setNumChannels(new int[] {8, 16, 16, 16, 8, 32, 32})
                        .setOutSize(10)
                        .build(),
                new Shape(1, 3, 96, 96),
                plain),
            new Architecture(
                "pools rounding up, average pool counting its padding",
                () -> TestModels.ceilPoolCnn(5),
                new Shape(1, 3, 8, 8),
                plain),
            new Architecture(
                "per-pixel head",
                () -> TestModels.perPixelHead(12),
                new Shape(1, 1, 28, 28),
                plain))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("architectures")
  void theDenseModelRunsInOnnxRuntimeAsInDjl(Architecture architecture) throws OrtException {
    ModelGraph model = read(architecture);

    assertParity(OnnxExport.of(model), model.block(), architecture.input());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("architectures")
  void theCompressedModelRunsInOnnxRuntimeAsInDjlInBothForms(Architecture architecture)
      throws OrtException {
    ModelGraph model = read(architecture);
    GroupSet groups = ZeroInvariantGroups.find(model.graph(), architecture.groups());
    GroupMask mask = PrunedModels.randomMask(groups.size(), 7);
    PrunedModels.zeroPruned(model, groups, mask);
    CompressedModel compressed = CompressedModel.compress(model, groups, mask, manager);

    assertParity(OnnxExport.of(compressed), compressed.block(), architecture.input());
    try (CompressedModel inference = compressed.forInference()) {
      assertParity(OnnxExport.of(inference), inference.block(), architecture.input());
    }
  }

  private ModelGraph read(Architecture architecture) {
    Shape calibration = new Shape(2).addAll(architecture.input().slice(1));
    return ModelReader.read(
        TestModels.initialise(architecture.block().get(), manager, calibration),
        calibration,
        "model");
  }

  private void assertParity(OnnxExport export, Block block, Shape input) throws OrtException {
    try (OrtSession session = OnnxRuntimes.session(export.toByteArray())) {
      for (int batch : BATCHES) {
        Shape shape = new Shape(batch).addAll(input.slice(1));
        NDArray x = RandomArrays.gaussian(manager, shape, 1, new SplittableRandom(batch));
        float[] djl = Outputs.run(block, x, manager);
        float[] onnx = OnnxRuntimes.run(session, x.toFloatArray(), shape.getShape());

        float largest = 0;
        for (float v : djl) {
          largest = Math.max(largest, Math.abs(v));
        }
        assertThat(maxAbsDifference(onnx, djl))
            .as("batch %s, outputs up to %s", batch, largest)
            .isLessThanOrEqualTo(TOLERANCE * Math.max(1, largest));
      }
    }
  }

  static Stream<Arguments> functions() {
    return TestModels.elementWiseFunctions().entrySet().stream()
        .map(f -> Arguments.of(f.getKey(), f.getValue().get()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("functions")
  void eachElementWiseFunctionRunsInOnnxRuntimeAsInDjl(String name, Block function)
      throws OrtException {
    Shape input = new Shape(1, 3, 8, 8);
    Block net = TestModels.convolutionThen(function);
    ModelGraph model = read(new Architecture(name, () -> net, input, GroupOptions.defaults()));

    assertParity(OnnxExport.of(model), model.block(), input);
  }

  static Stream<Arguments> pools() {
    Shape seven = new Shape(1, 2, 7, 7);
    Shape five = new Shape(1, 2, 5, 5);
    return Stream.of(
        Arguments.of(
            "max 3/2, rounding up",
            Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2), new Shape(0, 0), true),
            seven),
        Arguments.of(
            "max 3/3 padded 1, rounding up, last window dropped",
            Pool.maxPool2dBlock(new Shape(3, 3), new Shape(3, 3), new Shape(1, 1), true),
            five),
        Arguments.of(
            "average 3/3 padded 1, rounding up, last window dropped",
            Pool.avgPool2dBlock(new Shape(3, 3), new Shape(3, 3), new Shape(1, 1), true),
            five),
        Arguments.of(
            "average 3/2 padded 1, rounding down",
            Pool.avgPool2dBlock(new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false),
            seven),
        Arguments.of(
            "average 2/2, rounding up, partial windows unpadded",
            Pool.avgPool2dBlock(new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), true),
            five),
        Arguments.of("max 2/2", Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)), seven));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pools")
  void eachPoolingRunsInOnnxRuntimeAsInDjl(String name, Block pool, Shape input)
      throws OrtException {
    Block net =
        new SequentialBlock()
            .add(TestModels.conv(3, 1, 0, 1))
            .add(pool)
            .add(TestModels.conv(2, 1, 0, 1));
    ModelGraph model = read(new Architecture(name, () -> net, input, GroupOptions.defaults()));

    assertParity(OnnxExport.of(model), model.block(), input);
  }
}
