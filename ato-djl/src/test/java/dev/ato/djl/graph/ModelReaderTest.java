package dev.ato.djl.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import dev.ato.cost.CostModel;
import dev.ato.djl.testing.ManagedTest;
import dev.ato.djl.testing.TestModels;
import dev.ato.graph.ChannelGraph;
import dev.ato.graph.Layer;
import dev.ato.graph.Node;
import dev.ato.groups.GroupSet;
import dev.ato.groups.ZeroInvariantGroups;
import org.junit.jupiter.api.Test;

class ModelReaderTest extends ManagedTest {

  @Test
  void zooResNet50ReadsAsTheReferenceResNet50Does() {
    Shape input = new Shape(1, 3, 64, 64);
    Block block = TestModels.initialise(TestModels.zooResNet50(10), manager, input);

    ModelGraph model = ModelReader.read(block, input, "zoo-resnet50");
    GroupSet groups = ZeroInvariantGroups.find(model.graph());

    // DJL's ResNetV1 has the reference's layout but biases on conv1/conv3 of each bottleneck,
    // stride in conv1 and a ReLU inside each unit's join: the groups are the same as
    // ato-core's ResNet-50 (7552 inner channels plus the stem's 64).
    assertThat(groups.size()).isEqualTo(7616);
    assertThat(model.graph().nodes()).filteredOn(n -> n.layer() instanceof Layer.Add).hasSize(16);
    // torchvision's ResNet-50 with 10 classes has 23,528,522 parameters; DJL adds biases to
    // conv1 (widths 3*64 + 4*128 + 6*256 + 3*512 = 3776) and conv3 (4x that, 15104).
    assertThat(CostModel.of(model.graph()).parameters()).isEqualTo(23_528_522 + 3776 + 15104);
  }

  @Test
  void zooMobileNetV2Reads() {
    Shape input = new Shape(1, 3, 32, 32);
    Block block = TestModels.initialise(TestModels.zooMobileNetV2(10), manager, input);

    ModelGraph model = ModelReader.read(block, input, "zoo-mobilenetv2");
    GroupSet groups = ZeroInvariantGroups.find(model.graph());

    // DJL's MobileNetV2 expands in all 17 blocks (block 0 by 1): hidden channels 32 + 7104;
    // off the residual streams also its 1x1 stem (32), block 0's output (16), block 16's
    // output (320) and the 1280 channels before the convolutional classifier.
    assertThat(groups.size()).isEqualTo(32 + 7104 + 32 + 16 + 320 + 1280);
    assertThat(model.graph().nodes())
        .filteredOn(n -> n.layer() instanceof Layer.Conv2d c && c.groups() > 1)
        .hasSize(17);
  }

  @Test
  void zooSqueezeNetReadsAtAnInputWhereItsPoolsRoundUp() {
    // The 3x3/2 stem turns 65 into 32; its pools then give 16, 8 and 4 rounding up, where
    // rounding down would give 15, 7 and 3.
    Shape input = new Shape(1, 3, 65, 65);
    Block block = TestModels.initialise(TestModels.zooSqueezeNet(10), manager, input);

    ChannelGraph graph = ModelReader.read(block, input, "zoo-squeezenet").graph();

    Layer.Pool2d ceilPool = new Layer.Pool2d(Layer.PoolKind.MAX, 3, 2, 0, true);
    assertThat(graph.nodes())
        .filteredOn(n -> n.layer() instanceof Layer.Pool2d)
        .extracting(Node::layer, n -> n.output().height())
        .containsExactly(tuple(ceilPool, 16), tuple(ceilPool, 8), tuple(ceilPool, 4));
    // The stem's 64 channels and each fire module's squeeze and two expand convolutions:
    // 2 x (16 + 64 + 64) + 2 x (32 + 128 + 128) + 2 x (48 + 192 + 192) + 2 x (64 + 256 + 256).
    assertThat(ZeroInvariantGroups.find(graph).size())
        .isEqualTo(64 + 2 * 144 + 2 * 288 + 2 * 432 + 2 * 576);
  }

  @Test
  void aConcatCnnReadsWithItsJoinAndFunctions() {
    Shape input = new Shape(1, 3, 16, 16);
    Block block = TestModels.initialise(TestModels.concatCnn(5), manager, input);

    ChannelGraph graph = ModelReader.read(block, input, "concat-cnn").graph();

    assertThat(graph.nodes())
        .extracting(n -> n.layer().kind())
        .containsExactly(
            "input",
            "conv2d",
            "batchnorm",
            "relu",
            "conv2d",
            "relu",
            "conv2d",
            "batchnorm",
            "relu",
            "concat",
            "conv2d",
            "batchnorm",
            "relu6",
            "maxpool2d",
            "globalavgpool",
            "identity",
            "linear");
    // DJL's global pool already gives [N, C], so its batch flatten changes nothing.
    Node pool = graph.nodes().get(13);
    assertThat(pool.layer()).isEqualTo(new Layer.Pool2d(Layer.PoolKind.MAX, 2, 2, 0));
    assertThat(ZeroInvariantGroups.find(graph).size()).isEqualTo(8 + 4 + 6 + 12);
  }

  @Test
  void poolsThatRoundUpReadWithTheSizesTheyGive() {
    Shape input = new Shape(1, 3, 8, 8);
    Block block = TestModels.initialise(TestModels.ceilPoolCnn(3), manager, input);

    ChannelGraph graph = ModelReader.read(block, input, "ceil-pools").graph();

    // 8x8, 3x3 window, stride 2: ceil((8 - 3) / 2) + 1 = 4 (floor would give 3).
    assertThat(graph.node("04LambdaBlock").layer())
        .isEqualTo(new Layer.Pool2d(Layer.PoolKind.MAX, 3, 2, 0, true));
    assertThat(graph.node("04LambdaBlock").output())
        .isEqualTo(dev.ato.graph.ChannelShape.spatial(6, 4, 4));
    // 4x4, 3x3 window, stride 2, padding 1: ceil((4 + 2 - 3) / 2) + 1 = 3 (floor: 2).
    assertThat(graph.node("07LambdaBlock").layer())
        .isEqualTo(new Layer.Pool2d(Layer.PoolKind.AVG, 3, 2, 1, true));
    assertThat(graph.node("09Linear").input()).isEqualTo(dev.ato.graph.ChannelShape.flat(72));
    assertThat(ZeroInvariantGroups.find(graph).size()).isEqualTo(6 + 8);
  }

  @Test
  void aPoolWhoseRoundingMakesNoDifferenceAtTheInputSizeReadsAsRoundingDown() {
    // 9x9, 3x3 window, stride 2: (9 - 3) / 2 + 1 = 4 either way, with the same windows.
    Shape input = new Shape(1, 3, 9, 9);
    Block block =
        new SequentialBlock()
            .add(TestModels.conv(4, 3, 1, 1))
            .add(
                ai.djl.nn.pooling.Pool.maxPool2dBlock(
                    new Shape(3, 3), new Shape(2, 2), new Shape(0, 0), true))
            .add(ai.djl.nn.pooling.Pool.globalAvgPool2dBlock())
            .add(ai.djl.nn.core.Linear.builder().setUnits(2).build());
    block.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, input);

    ChannelGraph graph = ModelReader.read(block, input, "ceil-same").graph();

    assertThat(graph.node("02LambdaBlock").layer())
        .isEqualTo(new Layer.Pool2d(Layer.PoolKind.MAX, 3, 2, 0));
  }

  @Test
  void anAveragePoolToldNotToCountPaddingReadsAsCountingItAsTheEngineDoes() {
    // DJL 0.35.1's PyTorch JNI drops countIncludePad, so libtorch counts padding regardless;
    // the reading is checked against the block's own output, so this also pins that fact: if
    // the flag were honoured, the pool would match no candidate and the read would fail.
    Shape input = new Shape(1, 3, 6, 6);
    Block block =
        new SequentialBlock()
            .add(TestModels.conv(4, 3, 1, 1))
            .add(
                ai.djl.nn.pooling.Pool.avgPool2dBlock(
                    new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false, false))
            .add(ai.djl.nn.pooling.Pool.globalAvgPool2dBlock())
            .add(ai.djl.nn.core.Linear.builder().setUnits(2).build());
    block.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, input);

    ChannelGraph graph = ModelReader.read(block, input, "avg-pad").graph();

    assertThat(graph.node("02LambdaBlock").layer())
        .isEqualTo(new Layer.Pool2d(Layer.PoolKind.AVG, 3, 2, 1));
  }

  @Test
  void aBlockOfTheUsersOwnIsAnErrorNamingItsPath() {
    Shape input = new Shape(1, 3, 8, 8);
    Block block = TestModels.initialise(TestModels.customBlockCnn(4), manager, input);

    assertThatThrownBy(() -> ModelReader.read(block, input, "custom"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "cannot read block '04ChannelScale' of type "
                + "dev.ato.djl.testing.ChannelScale: ato reads SequentialBlock");
  }

  @Test
  void aBlockOfTheUsersOwnCanBeReadAsOpaqueAndKeepsItsChannels() {
    Shape input = new Shape(1, 3, 8, 8);
    Block block = TestModels.initialise(TestModels.customBlockCnn(4), manager, input);

    ModelGraph model = ModelReader.read(block, input, "custom", ReadOptions.opaqueUnknownBlocks());
    GroupSet groups = ZeroInvariantGroups.find(model.graph());

    assertThat(model.graph().node("04ChannelScale").layer())
        .isEqualTo(
            new Layer.Opaque(
                "dev.ato.djl.testing.ChannelScale",
                dev.ato.graph.ChannelShape.spatial(8, 8, 8),
                8));
    // Only the second convolution's 6 channels are offered: the first one's feed the opaque
    // block.
    assertThat(groups.size()).isEqualTo(6);
  }

  @Test
  void aLambdaItCannotIdentifyCanBeReadAsOpaqueAndKeepsItsChannels() {
    Shape input = new Shape(1, 3, 8, 8);
    Block block = doublingLambdaCnn();

    ModelGraph model =
        ModelReader.read(block, input, "doubling", ReadOptions.opaqueUnknownBlocks());

    assertThat(model.graph().node("02LambdaBlock").layer())
        .isEqualTo(
            new Layer.Opaque(
                "ai.djl.nn.LambdaBlock", dev.ato.graph.ChannelShape.spatial(4, 8, 8), 0));
    // Only the second convolution's 5 channels: the first one's enter the lambda.
    assertThat(ZeroInvariantGroups.find(model.graph()).size()).isEqualTo(5);
  }

  @Test
  void aLambdaItCannotIdentifyIsAnErrorThatPointsAtOpaqueReading() {
    Shape input = new Shape(1, 3, 8, 8);
    Block block = doublingLambdaCnn();

    assertThatThrownBy(() -> ModelReader.read(block, input, "doubling"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("cannot identify LambdaBlock '02LambdaBlock'")
        .hasMessageEndingWith(
            "or read with ReadOptions.opaqueUnknownBlocks() to keep its " + "channels unpruned");
  }

  /** conv(4) -> x * 2 (no function ato knows) -> conv(5) -> ReLU -> global pool -> linear. */
  private Block doublingLambdaCnn() {
    Block block =
        new SequentialBlock()
            .add(TestModels.conv(4, 3, 1, 1))
            .add(x -> new NDList(x.singletonOrThrow().mul(2)))
            .add(TestModels.conv(5, 3, 1, 1))
            .add(ai.djl.nn.Activation.reluBlock())
            .add(ai.djl.nn.pooling.Pool.globalAvgPool2dBlock())
            .add(ai.djl.nn.core.Linear.builder().setUnits(2).build());
    block.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, 3, 8, 8));
    return block;
  }

  @Test
  void aBatchNormWithAFrozenScaleKeepsTheChannelsItNormalises() {
    Shape input = new Shape(1, 3, 8, 8);
    Block block =
        new SequentialBlock()
            .add(TestModels.conv(4, 3, 1, 1))
            .add(ai.djl.nn.norm.BatchNorm.builder().optScale(false).build())
            .add(ai.djl.nn.Activation.reluBlock())
            .add(TestModels.conv(5, 3, 1, 1))
            .add(ai.djl.nn.Activation.reluBlock())
            .add(ai.djl.nn.pooling.Pool.globalAvgPool2dBlock())
            .add(ai.djl.nn.core.Linear.builder().setUnits(2).build());
    block.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, input);

    ModelGraph model = ModelReader.read(block, input, "frozen");

    assertThat(model.graph().node("02BatchNorm").layer())
        .isEqualTo(new Layer.BatchNorm(4, false, true));
    // Only the second convolution's 5 channels: the first one's pass the frozen gamma.
    assertThat(ZeroInvariantGroups.find(model.graph()).size()).isEqualTo(5);
  }

  @Test
  void anUninitialisedBlockIsRejected() {
    Block block = TestModels.concatCnn(5);

    assertThatThrownBy(() -> ModelReader.read(block, new Shape(1, 3, 16, 16), "x"))
        .hasMessageStartingWith("initialise the block before reading it");
  }

  @Test
  void anUnknownFunctionIsNamedByItsPath() {
    Shape input = new Shape(1, 3, 8, 8);
    SequentialBlock block =
        new SequentialBlock()
            .add(TestModels.conv(4, 3, 1, 1))
            .add(x -> new NDList(x.singletonOrThrow().mul(2)));
    block.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, input);

    assertThatThrownBy(() -> ModelReader.read(block, input, "x"))
        .hasMessageStartingWith(
            "cannot identify LambdaBlock '02LambdaBlock' (named "
                + "'anonymous'): it maps (2, 4, 8, 8) to (2, 4, 8, 8)");
  }
}
