package dev.ato.groups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ato.graph.ChannelGraph;
import dev.ato.graph.ChannelShape;
import dev.ato.graph.Layer;
import dev.ato.graph.Layer.Activation;
import dev.ato.graph.Layer.BatchNorm;
import dev.ato.graph.Layer.Conv2d;
import org.junit.jupiter.api.Test;

class ZeroInvariantGroupsTest {

  private static Conv2d conv(int filters, int kernel) {
    return Conv2d.builder()
        .setFilters(filters)
        .setKernelShape(kernel)
        .optPadding(kernel / 2)
        .build();
  }

  private static Conv2d convNoBias(int filters, int kernel) {
    return Conv2d.builder()
        .setFilters(filters)
        .setKernelShape(kernel)
        .optPadding(kernel / 2)
        .optBias(false)
        .build();
  }

  private static Slice slice(String layer, String parameter, int axis, int start, int length) {
    return new Slice(layer, parameter, axis, start, length, !parameter.startsWith("running"));
  }

  /** data 2x4x4 -> a (3 filters) -> bn -> relu -> b (2 filters) -> pool -> flatten -> fc. */
  private static ChannelGraph convBnReluConvHead() {
    ChannelGraph.Builder b = ChannelGraph.builder("chain");
    String x = b.input("data", ChannelShape.spatial(2, 4, 4));
    x = b.add("a", convNoBias(3, 3), x);
    x = b.add("bn", new BatchNorm(0), x);
    x = b.add("relu", Activation.RELU, x);
    x = b.add("b", conv(2, 1), x);
    x = b.add("pool", new Layer.GlobalPool(Layer.PoolKind.AVG), x);
    x = b.add("flatten", new Layer.Flatten(), x);
    b.add("fc", Layer.Linear.of(5), x);
    return b.markOutput("fc").build();
  }

  @Test
  void aProducerGroupHoldsItsFilterAndTheBatchNormChannelAfterIt() {
    GroupSet groups = ZeroInvariantGroups.find(convBnReluConvHead());

    Group first = groups.group(0);
    assertThat(first.name()).isEqualTo("a:out[0]");
    assertThat(first.members())
        .containsExactly(
            slice("a", "weight", 0, 0, 1),
            slice("bn", "beta", 0, 0, 1),
            slice("bn", "gamma", 0, 0, 1),
            slice("bn", "runningMean", 0, 0, 1),
            slice("bn", "runningVar", 0, 0, 1));
    assertThat(first.consumerSlices()).containsExactly(slice("b", "weight", 1, 0, 1));
    assertThat(first.zeroChannels())
        .containsExactly(
            new ChannelSpan("a", 0, 1), new ChannelSpan("bn", 0, 1), new ChannelSpan("relu", 0, 1));
    assertThat(first.trainableMembers()).hasSize(3);
  }

  @Test
  void everyFilterOfEveryProducerIsAGroupAndEachProducerIsABlock() {
    GroupSet groups = ZeroInvariantGroups.find(convBnReluConvHead());

    assertThat(groups.groups())
        .extracting(Group::name)
        .containsExactly("a:out[0]", "a:out[1]", "a:out[2]", "b:out[0]", "b:out[1]");
    assertThat(groups.blocks())
        .containsExactly(new ControllerBlock(0, "a", 0, 3), new ControllerBlock(1, "b", 3, 2));
    assertThat(groups.group(4).block()).isEqualTo(1);
  }

  @Test
  void aGroupReadByAClassifierThroughGlobalPoolingIsCutFromTheClassifierInputs() {
    Group bOut1 = ZeroInvariantGroups.find(convBnReluConvHead()).group(4);

    assertThat(bOut1.members())
        .containsExactly(slice("b", "bias", 0, 1, 1), slice("b", "weight", 0, 1, 1));
    assertThat(bOut1.consumerSlices()).containsExactly(slice("fc", "weight", 1, 1, 1));
    assertThat(bOut1.zeroChannels())
        .containsExactly(
            new ChannelSpan("b", 1, 1),
            new ChannelSpan("pool", 1, 1),
            new ChannelSpan("flatten", 1, 1));
  }

  @Test
  void inputAndOutputChannelsAreNotOffered() {
    GroupSet groups = ZeroInvariantGroups.find(convBnReluConvHead());

    assertThat(groups.unprunable())
        .extracting(UnprunableChannels::reason)
        .containsOnly(UnprunableReason.NETWORK_INPUT, UnprunableReason.NETWORK_OUTPUT);
    assertThat(groups.unprunable()).hasSize(2 + 5);
    assertThat(groups.unprunable().get(2))
        .isEqualTo(new UnprunableChannels("fc:out[0]", UnprunableReason.NETWORK_OUTPUT, "fc"));
    assertThat(groups.channelGroups("fc").asList()).containsOnly(GroupSet.UNPRUNABLE);
    assertThat(groups.channelGroups("relu").asList()).containsExactly(0, 1, 2);
  }

  @Test
  void concatShiftsTheSecondBranchByTheFirstBranchWidth() {
    ChannelGraph.Builder b = ChannelGraph.builder("cat");
    String x = b.input("data", ChannelShape.spatial(3, 4, 4));
    String left = b.add("left", conv(2, 3), x);
    String right = b.add("right", conv(3, 3), x);
    b.add("d", conv(4, 1), b.add("cat", new Layer.Concat(), left, right));
    GroupSet groups = ZeroInvariantGroups.find(b.build());

    Group right1 =
        groups.groups().stream()
            .filter(g -> g.name().equals("right:out[1]"))
            .findFirst()
            .orElseThrow();
    assertThat(right1.consumerSlices()).containsExactly(slice("d", "weight", 1, 3, 1));
    assertThat(right1.zeroChannels())
        .containsExactly(new ChannelSpan("right", 1, 1), new ChannelSpan("cat", 3, 1));
    assertThat(groups.channelGroups("cat").asList()).containsExactly(0, 1, 2, 3, 4);
  }

  @Test
  void flattenSpreadsAChannelOverItsPositionsInTheLinearInput() {
    ChannelGraph.Builder b = ChannelGraph.builder("flat");
    String x = b.input("data", ChannelShape.spatial(1, 2, 2));
    x = b.add("a", conv(2, 1), x);
    x = b.add("flatten", new Layer.Flatten(), x);
    b.add("fc", Layer.Linear.of(3), x);
    GroupSet groups = ZeroInvariantGroups.find(b.build());

    // Channel 1 of a 2x2 map is flattened to features 4, 5, 6 and 7.
    Group a1 = groups.group(1);
    assertThat(a1.consumerSlices()).containsExactly(slice("fc", "weight", 1, 4, 4));
    assertThat(a1.zeroChannels())
        .containsExactly(new ChannelSpan("a", 1, 1), new ChannelSpan("flatten", 4, 4));
    assertThat(groups.channelGroups("flatten").asList()).containsExactly(0, 0, 0, 0, 1, 1, 1, 1);
  }

  @Test
  void aDepthwiseConvolutionJoinsTheGroupOfTheChannelItReads() {
    ChannelGraph.Builder b = ChannelGraph.builder("dw");
    String x = b.input("data", ChannelShape.spatial(3, 4, 4));
    x = b.add("expand", conv(4, 1), x);
    x =
        b.add(
            "dw",
            Conv2d.builder()
                .setFilters(4)
                .setKernelShape(3)
                .optPadding(1)
                .optGroups(4)
                .optBias(false)
                .build(),
            x);
    x = b.add("dw_bn", new BatchNorm(0), x);
    x = b.add("relu6", Activation.RELU6, x);
    b.add("project", conv(2, 1), x);
    GroupSet groups = ZeroInvariantGroups.find(b.build());

    assertThat(groups.size()).isEqualTo(4);
    assertThat(groups.group(2).members())
        .containsExactly(
            slice("expand", "bias", 0, 2, 1),
            slice("expand", "weight", 0, 2, 1),
            slice("dw", "weight", 0, 2, 1),
            slice("dw_bn", "beta", 0, 2, 1),
            slice("dw_bn", "gamma", 0, 2, 1),
            slice("dw_bn", "runningMean", 0, 2, 1),
            slice("dw_bn", "runningVar", 0, 2, 1));
    assertThat(groups.group(2).consumerSlices())
        .containsExactly(slice("project", "weight", 1, 2, 1));
    assertThat(groups.group(2).producers()).containsExactly("expand");
  }

  /** data -> stem (4) -> [u.conv1 (3) -> relu -> u.conv2 (4)] + stem -> relu -> head (2). */
  private static ChannelGraph residualUnit() {
    ChannelGraph.Builder b = ChannelGraph.builder("residual");
    String x = b.input("data", ChannelShape.spatial(2, 4, 4));
    String stem = b.add("stem", conv(4, 3), x);
    String y = b.add("u.conv1", conv(3, 3), stem);
    y = b.add("u.relu1", Activation.RELU, y);
    y = b.add("u.conv2", conv(4, 3), y);
    x = b.add("u.relu", Activation.RELU, b.add("u.add", new Layer.Add(), y, stem));
    b.add("head", conv(2, 1), x);
    return b.build();
  }

  @Test
  void residualStreamsAreKeptWholeByDefault() {
    GroupSet groups = ZeroInvariantGroups.find(residualUnit());

    assertThat(groups.groups())
        .extracting(Group::name)
        .containsExactly("u.conv1:out[0]", "u.conv1:out[1]", "u.conv1:out[2]");
    assertThat(groups.unprunable())
        .filteredOn(u -> u.reason() == UnprunableReason.RESIDUAL_STREAM)
        .extracting(UnprunableChannels::name, UnprunableChannels::layer)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("stem:out[0]", "u.add"),
            org.assertj.core.groups.Tuple.tuple("stem:out[1]", "u.add"),
            org.assertj.core.groups.Tuple.tuple("stem:out[2]", "u.add"),
            org.assertj.core.groups.Tuple.tuple("stem:out[3]", "u.add"));
  }

  @Test
  void anAddCouplesTheChannelsItSumsIntoOneGroupWhenStreamsArePruned() {
    GroupSet groups =
        ZeroInvariantGroups.find(
            residualUnit(), GroupOptions.builder().optPruneResidualStreams(true).build());

    assertThat(groups.size()).isEqualTo(4 + 3);
    Group stream1 = groups.group(1);
    assertThat(stream1.name()).isEqualTo("stem:out[1]");
    assertThat(stream1.producers()).containsExactly("stem", "u.conv2");
    assertThat(stream1.members())
        .containsExactly(
            slice("stem", "bias", 0, 1, 1), slice("stem", "weight", 0, 1, 1),
            slice("u.conv2", "bias", 0, 1, 1), slice("u.conv2", "weight", 0, 1, 1));
    assertThat(stream1.consumerSlices())
        .containsExactly(slice("u.conv1", "weight", 1, 1, 1), slice("head", "weight", 1, 1, 1));
    assertThat(groups.blocks().get(0))
        .isEqualTo(new ControllerBlock(0, "stem (residual stream of 2 layers)", 0, 4));
  }

  @Test
  void channelsThroughASigmoidAreNotOffered() {
    ChannelGraph.Builder b = ChannelGraph.builder("gate");
    String x = b.input("data", ChannelShape.spatial(2, 4, 4));
    x = b.add("a", conv(2, 3), x);
    x = b.add("relu", Activation.RELU, x);
    x = b.add("b", conv(3, 3), x);
    x = b.add("sig", Activation.SIGMOID, x);
    b.add("c", conv(1, 1), x);
    GroupSet groups = ZeroInvariantGroups.find(b.build());

    assertThat(groups.groups()).extracting(Group::name).containsExactly("a:out[0]", "a:out[1]");
    assertThat(groups.unprunable())
        .contains(new UnprunableChannels("b:out[0]", UnprunableReason.NOT_ZERO_PRESERVING, "sig"));
  }

  @Test
  void channelsThroughABatchNormWithAFrozenScaleAreNotOffered() {
    ChannelGraph.Builder b = ChannelGraph.builder("frozen");
    String x = b.input("data", ChannelShape.spatial(2, 4, 4));
    x = b.add("a", convNoBias(3, 3), x);
    x = b.add("bn", new BatchNorm(0, false, true), x);
    x = b.add("b", conv(2, 3), b.add("relu", Activation.RELU, x));
    b.add("c", conv(1, 1), b.add("relu2", Activation.RELU, x));
    GroupSet groups = ZeroInvariantGroups.find(b.build());

    assertThat(groups.groups()).extracting(Group::name).containsExactly("b:out[0]", "b:out[1]");
    assertThat(groups.unprunable())
        .contains(new UnprunableChannels("a:out[1]", UnprunableReason.FROZEN_NORMALISATION, "bn"));
  }

  @Test
  void channelsAroundAGroupedConvolutionAreNotOffered() {
    ChannelGraph.Builder b = ChannelGraph.builder("grouped");
    String x = b.input("data", ChannelShape.spatial(4, 4, 4));
    x = b.add("a", conv(4, 1), x);
    x =
        b.add(
            "g",
            Conv2d.builder().setFilters(4).setKernelShape(3).optPadding(1).optGroups(2).build(),
            x);
    x = b.add("relu", Activation.RELU, x);
    x = b.add("b", conv(3, 1), x);
    b.add("c", conv(1, 1), b.add("relu2", Activation.RELU, x));
    GroupSet groups = ZeroInvariantGroups.find(b.build());

    assertThat(groups.groups())
        .extracting(Group::name)
        .containsExactly("b:out[0]", "b:out[1]", "b:out[2]");
    assertThat(groups.unprunable())
        .contains(
            new UnprunableChannels("a:out[0]", UnprunableReason.GROUPED_CONVOLUTION, "g"),
            new UnprunableChannels("g:out[3]", UnprunableReason.GROUPED_CONVOLUTION, "g"));
  }

  @Test
  void channelsAroundAnOpaqueLayerAreNotOffered() {
    ChannelGraph.Builder b = ChannelGraph.builder("opaque");
    String x = b.input("data", ChannelShape.spatial(2, 4, 4));
    x = b.add("a", conv(3, 3), x);
    x = b.add("custom", new Layer.Opaque("MyBlock", ChannelShape.spatial(5, 4, 4), 40), x);
    x = b.add("b", conv(4, 3), x);
    b.add("c", conv(1, 1), b.add("relu", Activation.RELU, x));
    ChannelGraph graph = b.build();
    GroupSet groups = ZeroInvariantGroups.find(graph);

    assertThat(groups.groups())
        .extracting(Group::name)
        .containsExactly("b:out[0]", "b:out[1]", "b:out[2]", "b:out[3]");
    assertThat(groups.unprunable())
        .contains(
            new UnprunableChannels("a:out[2]", UnprunableReason.OPAQUE_LAYER, "custom"),
            new UnprunableChannels("custom:out[4]", UnprunableReason.OPAQUE_LAYER, "custom"));
    // Its 40 values count as parameters; its FLOPs cannot be known.
    assertThat(dev.ato.cost.CostModel.of(graph).parameters())
        .isEqualTo(3 * 2 * 9 + 3 + 40 + 4 * 5 * 9 + 4 + 4 + 1);
  }

  @Test
  void aGraphWithNothingToPruneIsAnErrorThatCountsTheReasons() {
    ChannelGraph.Builder b = ChannelGraph.builder("tiny");
    b.add("conv", conv(2, 1), b.input("data", ChannelShape.spatial(3, 4, 4)));
    ChannelGraph graph = b.build();

    assertThatThrownBy(() -> ZeroInvariantGroups.find(graph))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "graph 'tiny' has no prunable group: 3 channel sets because they are "
                + "channels of the network's input; 2 channel sets because they reach the network's "
                + "output. Check that the graph declares the layers between input and output");
  }

  @Test
  void aGraphWhoseInnerChannelsAllPassASigmoidNamesTheSigmoidAsTheCause() {
    ChannelGraph.Builder b = ChannelGraph.builder("gate");
    String x = b.add("a", conv(4, 3), b.input("data", ChannelShape.spatial(3, 4, 4)));
    b.add("b", conv(2, 1), b.add("sig", Activation.SIGMOID, x));
    ChannelGraph graph = b.build();

    // a's 4 channels are the only candidates, and the sigmoid turns their zeros into 0.5.
    assertThatThrownBy(() -> ZeroInvariantGroups.find(graph))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "graph 'gate' has no prunable group: 3 channel sets because they are "
                + "channels of the network's input; 2 channel sets because they reach the network's "
                + "output; 4 channel sets because they pass a function that does not map 0 to 0 "
                + "(sigmoid 'sig')");
  }

  @Test
  void aGraphWhoseInnerChannelsAllMeetOpaqueLayersNamesThoseLayers() {
    ChannelGraph.Builder b = ChannelGraph.builder("opaque-only");
    String x = b.add("a", conv(4, 3), b.input("data", ChannelShape.spatial(3, 4, 4)));
    x = b.add("custom", new Layer.Opaque("MyBlock", ChannelShape.spatial(4, 4, 4), 0), x);
    b.add("b", conv(2, 1), x);
    ChannelGraph graph = b.build();

    assertThatThrownBy(() -> ZeroInvariantGroups.find(graph))
        .hasMessageEndingWith(
            "; 8 channel sets because they enter or leave a layer ato cannot "
                + "see into (opaque 'custom')");
  }

  @Test
  void aStreamOnlyGraphSuggestsResidualPruning() {
    ChannelGraph.Builder b = ChannelGraph.builder("stream");
    String x = b.add("stem", conv(2, 1), b.input("data", ChannelShape.spatial(3, 4, 4)));
    String y = b.add("branch", conv(2, 1), x);
    b.add(
        "head",
        Layer.Linear.of(1),
        b.add(
            "flatten",
            new Layer.Flatten(),
            b.add(
                "pool",
                new Layer.GlobalPool(Layer.PoolKind.AVG),
                b.add("add", new Layer.Add(), x, y))));
    ChannelGraph graph = b.build();

    assertThatThrownBy(() -> ZeroInvariantGroups.find(graph))
        .hasMessageContaining(
            "2 channel sets because they are on a residual stream; enable "
                + "pruneResidualStreams to include them");
    assertThat(
            ZeroInvariantGroups.find(
                    graph, GroupOptions.builder().optPruneResidualStreams(true).build())
                .size())
        .isEqualTo(2);
  }

  @Test
  void scopePartitionMakesOneBlockPerNamePrefix() {
    GroupSet groups =
        ZeroInvariantGroups.find(
            residualUnit(),
            GroupOptions.builder()
                .optPruneResidualStreams(true)
                .optBlockPartition(BlockPartition.SCOPE)
                .build());

    // "stem" (the stream, first produced by the stem) and "u" (u.conv1's groups).
    assertThat(groups.blocks())
        .containsExactly(new ControllerBlock(0, "stem", 0, 4), new ControllerBlock(1, "u", 4, 3));
  }

  @Test
  void aMaskThatEmptiesALayerKeepsItsFirstGroup() {
    GroupSet groups = ZeroInvariantGroups.find(convBnReluConvHead());

    // Groups 0-2 are all of a's channels, 3-4 all of b's.
    GroupMask emptiesA = GroupMask.of(false, false, false, true, false);
    GroupMask emptiesBoth = GroupMask.of(false, false, false, false, false);

    assertThat(groups.keepingEveryLayer(emptiesA))
        .isEqualTo(GroupMask.of(true, false, false, true, false));
    assertThat(groups.keepingEveryLayer(emptiesBoth))
        .isEqualTo(GroupMask.of(true, false, false, true, false));
    assertThat(groups.keepingEveryLayer(GroupMask.allKept(5))).isEqualTo(GroupMask.allKept(5));
  }

  @Test
  void optionsCannotBeSetTwice() {
    GroupOptions.Builder builder = GroupOptions.builder().optPruneResidualStreams(true);

    assertThatThrownBy(() -> builder.optPruneResidualStreams(false))
        .hasMessage("pruneResidualStreams was already set");
  }
}
