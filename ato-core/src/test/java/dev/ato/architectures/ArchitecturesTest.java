package dev.ato.architectures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import dev.ato.cost.CostModel;
import dev.ato.graph.ChannelGraph;
import dev.ato.graph.ChannelShape;
import dev.ato.groups.ControllerBlock;
import dev.ato.groups.Group;
import dev.ato.groups.GroupOptions;
import dev.ato.groups.GroupSet;
import dev.ato.groups.ZeroInvariantGroups;
import org.junit.jupiter.api.Test;

/**
 * Costs against the literature (He et al. 2016: ResNet-56 on CIFAR 125 M MACs, 0.85 M parameters;
 * ResNet-50 4.1 G MACs, 25.6 M parameters; Sandler et al. 2018: MobileNetV2 300 M MACs, 3.4-3.5 M
 * parameters) and group counts worked out by hand in each test.
 */
class ArchitecturesTest {

  private static final GroupOptions WITH_STREAMS =
      GroupOptions.builder().optPruneResidualStreams(true).build();

  private static ChannelGraph resnet56() {
    return Architectures.resnetCifar(56, ChannelShape.spatial(3, 32, 32), 10);
  }

  @Test
  void resnet56CostsMatchThePaper() {
    ChannelGraph graph = resnet56();
    CostModel cost = CostModel.of(graph, ZeroInvariantGroups.find(graph));

    assertThat((double) cost.flops()).isCloseTo(125.5e6, withinPercentage(1));
    assertThat((double) cost.parameters()).isCloseTo(0.85e6, withinPercentage(1));
  }

  @Test
  void resnet56GroupsAreTheFirstConvolutionOfEachUnitByDefault() {
    GroupSet groups = ZeroInvariantGroups.find(resnet56());

    // 9 units per stage, one gated conv1 each: 9*16 + 9*32 + 9*64.
    assertThat(groups.size()).isEqualTo(1008);
    assertThat(groups.blocks()).hasSize(27);
    assertThat(countWithPrefix(groups, "stage2.")).isEqualTo(9 * 32);
    assertThat(groups.blocks().get(9))
        .isEqualTo(new ControllerBlock(9, "stage2.unit0.conv1", 144, 32));
  }

  @Test
  void resnet56StreamsAddOneGroupPerStreamChannel() {
    GroupSet groups = ZeroInvariantGroups.find(resnet56(), WITH_STREAMS);

    // Streams of 16, 32 and 64 channels on top of the 1008 inner groups.
    assertThat(groups.size()).isEqualTo(1008 + 16 + 32 + 64);
    // Stage 2's stream is produced by its 9 conv2 layers and the downsample shortcut.
    Group stage2Stream =
        groups.groups().stream()
            .filter(g -> g.name().equals("stage2.unit0.conv2:out[0]"))
            .findFirst()
            .orElseThrow();
    assertThat(stage2Stream.producers()).hasSize(10).contains("stage2.unit0.downsample_conv");
    assertThat(groups.blocks()).hasSize(27 + 3);
  }

  @Test
  void resnet50CostsMatchThePaper() {
    ChannelGraph graph = Architectures.resnet50(1000);
    CostModel cost = CostModel.of(graph, ZeroInvariantGroups.find(graph));

    assertThat((double) cost.flops()).isCloseTo(4.1e9, withinPercentage(2));
    assertThat((double) cost.parameters()).isCloseTo(25.6e6, withinPercentage(1));
  }

  @Test
  void resnet50GroupsAreTheBottleneckInnerChannelsAndTheStem() {
    GroupSet groups = ZeroInvariantGroups.find(Architectures.resnet50(1000));

    // conv1 and conv2 of 3, 4, 6 and 3 bottlenecks of width 64..512, plus the stem's 64
    // channels, which reach no add (stage 1 starts with a projection shortcut).
    int inner = 2 * (3 * 64 + 4 * 128 + 6 * 256 + 3 * 512);
    assertThat(inner).isEqualTo(7552);
    assertThat(groups.size()).isEqualTo(inner + 64);
    // Stage 3: 6 bottlenecks, conv1 and conv2 of width 256 each.
    assertThat(countWithPrefix(groups, "stage3.")).isEqualTo(6 * 2 * 256);
    assertThat(groups.blocks()).hasSize(1 + 2 * 16);
  }

  @Test
  void resnet50StreamsAddTheFourStageWidths() {
    GroupSet groups = ZeroInvariantGroups.find(Architectures.resnet50(1000), WITH_STREAMS);

    assertThat(groups.size()).isEqualTo(7616 + 256 + 512 + 1024 + 2048);
  }

  @Test
  void mobileNetV2CostsMatchThePaper() {
    ChannelGraph graph = Architectures.mobileNetV2(1000, 1.0);
    CostModel cost = CostModel.of(graph, ZeroInvariantGroups.find(graph));

    assertThat((double) cost.flops()).isCloseTo(300e6, withinPercentage(3));
    assertThat((double) cost.parameters()).isCloseTo(3.5e6, withinPercentage(2));
  }

  @Test
  void mobileNetV2HiddenChannelsOfAnInvertedResidualFormOneBlock() {
    GroupSet groups = ZeroInvariantGroups.find(Architectures.mobileNetV2(1000, 1.0));

    // block2 expands 24 channels six-fold: 144 groups, each holding the expand conv's filter,
    // its batch norm, the depthwise filter and the depthwise batch norm.
    ControllerBlock block2 =
        groups.blocks().stream()
            .filter(b -> b.name().equals("block2.expand_conv"))
            .findFirst()
            .orElseThrow();
    assertThat(block2.size()).isEqualTo(144);
    Group first = groups.group(block2.firstGroup());
    assertThat(first.producers()).containsExactly("block2.expand_conv");
    assertThat(first.members())
        .extracting(s -> s.layer())
        .containsOnly("block2.expand_conv", "block2.expand_bn", "block2.dw_conv", "block2.dw_bn");
  }

  @Test
  void mobileNetV2GroupCountsAddUpByHand() {
    GroupSet groups = ZeroInvariantGroups.find(Architectures.mobileNetV2(1000, 1.0));

    // Hidden channels of the 16 expanding blocks (in * 6):
    int hidden =
        6 * (16 + 24 + 24 + 32 + 32 + 32 + 64 + 64 + 64 + 64 + 96 + 96 + 96 + 160 + 160 + 160);
    assertThat(hidden).isEqualTo(7104);
    // Plus channels on no residual stream: the stem's 32 (through block0's depthwise), block0's
    // 16 outputs, block16's 320 outputs and the last conv's 1280.
    assertThat(groups.size()).isEqualTo(hidden + 32 + 16 + 320 + 1280);
    // Streams of 24, 32, 64, 96 and 160 channels when residual streams are pruned.
    assertThat(ZeroInvariantGroups.find(Architectures.mobileNetV2(1000, 1.0), WITH_STREAMS).size())
        .isEqualTo(groups.size() + 24 + 32 + 64 + 96 + 160);
  }

  @Test
  void aNarrowerMobileNetV2CostsRoughlyTheSquareOfTheWidth() {
    ChannelGraph half = Architectures.mobileNetV2(1000, 0.5);
    CostModel cost = CostModel.of(half, ZeroInvariantGroups.find(half));

    // The literature gives 97 M MACs for width 0.5 at 224 (Sandler et al., Table 6).
    assertThat((double) cost.flops()).isCloseTo(97e6, within(5e6));
  }

  private static long countWithPrefix(GroupSet groups, String prefix) {
    return groups.groups().stream().filter(g -> g.name().startsWith(prefix)).count();
  }
}
