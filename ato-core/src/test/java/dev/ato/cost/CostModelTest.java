package dev.ato.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ato.architectures.Architectures;
import dev.ato.graph.ChannelGraph;
import dev.ato.graph.ChannelShape;
import dev.ato.groups.GroupMask;
import dev.ato.groups.GroupSet;
import dev.ato.groups.ZeroInvariantGroups;
import dev.ato.testing.SmallGraphs;
import org.junit.jupiter.api.Test;

class CostModelTest {

  /** {@link SmallGraphs#twoConvolutions()}: groups a[0..3] = 0..3, b[0..1] = 4..5. */
  private static ChannelGraph small() {
    return SmallGraphs.twoConvolutions();
  }

  private static CostModel smallCost() {
    ChannelGraph graph = small();
    return CostModel.of(graph, ZeroInvariantGroups.find(graph));
  }

  @Test
  void flopsAreMultiplyAccumulatesOfConvolutionsAndLinearLayers() {
    // a: 3*3*3 * 4 * 8*8 = 6912; b: 1*1*4 * 2 * 8*8 = 512; fc: 2 * 5 = 10.
    assertThat(smallCost().flops()).isEqualTo(6912 + 512 + 10);
    assertThat(smallCost().flopsPerLayer())
        .containsExactly(
            java.util.Map.entry("a", 6912L),
            java.util.Map.entry("b", 512L),
            java.util.Map.entry("fc", 10L));
  }

  @Test
  void parametersCountTrainableValuesOnly() {
    // a.weight 4*3*3*3 = 108; bn gamma+beta 8 (running stats excluded); b 8 + 2; fc 10 + 5.
    assertThat(smallCost().parameters()).isEqualTo(108 + 8 + 10 + 15);
  }

  @Test
  void aMaskRemovesChannelsWhereTheyAreProducedAndWhereTheyAreRead() {
    // Prune a[0] and b[1]: a keeps 3 filters, b reads 3 channels and keeps 1, fc reads 1.
    GroupMask mask = GroupMask.of(false, true, true, true, true, false);

    // a: 27 * 3 * 64 = 5184; b: 3 * 1 * 64 = 192; fc: 1 * 5 = 5.
    assertThat(smallCost().flops(mask)).isEqualTo(5184 + 192 + 5);
    // a 81; bn 6; b weight 3 + bias 1; fc weight 5 + bias 5.
    assertThat(smallCost().parameters(mask)).isEqualTo(81 + 6 + 4 + 10);
  }

  @Test
  void aSoftMaskCountsFractionalChannels() {
    double[] keep = {0.5, 0.5, 1, 1, 1, 1};

    // a: 27 * 3 * 64 = 5184; b: 1 * 3 * 2 * 64 = 384; fc: 2 * 5 = 10.
    assertThat(smallCost().flops(keep)).isCloseTo(5184 + 384 + 10, within(1e-9));
  }

  @Test
  void everyLayerOfTheSmallGraphIsPrunable() {
    CostModel cost = smallCost();

    assertThat(cost.prunableFlops()).isEqualTo(cost.flops());
    assertThat(cost.targetForReduction(0.5).prunableRatio()).isCloseTo(0.5, within(1e-12));
  }

  @Test
  void theTargetRatioAccountsForLayersNoGroupChanges() {
    ChannelGraph graph = Architectures.resnetCifar(56, ChannelShape.spatial(3, 32, 32), 10);
    CostModel cost = CostModel.of(graph, ZeroInvariantGroups.find(graph));

    // With residual streams whole, the stem (3*3*3*16*32*32 = 442368), the two shortcuts
    // (16*32*16*16 = 32*64*8*8 = 131072 each) and fc (64*10 = 640) change with no mask.
    long fixed = 442368 + 2 * 131072 + 640;
    assertThat(cost.flops() - cost.prunableFlops()).isEqualTo(fixed);
    FlopsTarget target = cost.targetForReduction(0.55);
    assertThat(target.prunableRatio())
        .isCloseTo(1 - 0.55 * cost.flops() / (double) (cost.flops() - fixed), within(1e-12));
    assertThat(target.targetFlops()).isCloseTo(0.45 * cost.flops(), within(1e-3));
  }

  @Test
  void aReductionOutsideTheOpenUnitIntervalIsRejected() {
    CostModel cost = smallCost();

    for (double bad : new double[] {0, 1, -0.2, 1.5, Double.NaN}) {
      assertThatThrownBy(() -> cost.targetForReduction(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "a FLOPs reduction must lie in (0, 1), e.g. 0.55 to remove 55% of FLOPs; "
                  + "found "
                  + bad);
    }
  }

  @Test
  void aReductionBeyondWhatThePrunablePartGivesNamesTheMaximum() {
    // Pruning every group leaves a's FLOPs at 0 and fc at 0: everything can go in principle,
    // so use ResNet-56, where 705152 MACs can never be removed.
    ChannelGraph graph = Architectures.resnetCifar(56, ChannelShape.spatial(3, 32, 32), 10);
    CostModel cost = CostModel.of(graph, ZeroInvariantGroups.find(graph));
    // With every inner group pruned, each unit's conv1 and conv2 vanish (they read or make only
    // inner channels); what stays is the fixed part.
    double maximum =
        (cost.prunableFlops() - cost.prunableFlops(new double[cost.groupCount()]))
            / (double) cost.flops();
    assertThat(maximum).isCloseTo(1 - 705152.0 / cost.flops(), within(1e-12));

    assertThatThrownBy(() -> cost.targetForReduction(0.9999))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "a FLOPs reduction of 0.9999 is more than graph 'resnet56-cifar' "
                + "can give: removing every prunable group cuts at most 0.9944 of its 125747840 MACs, "
                + "as 705152 MACs are in layers that no group changes; choose a reduction below "
                + "0.9944");
  }

  @Test
  void aGraphCanBePricedWithoutGroups() {
    CostModel cost = CostModel.of(small());

    assertThat(cost.flops()).isEqualTo(6912 + 512 + 10);
    assertThat(cost.parameters()).isEqualTo(108 + 8 + 10 + 15);
    assertThat(cost.prunableFlops()).isZero();
    assertThat(cost.groupCount()).isZero();
  }

  @Test
  void masksAndKeepVectorsMustCoverEveryGroup() {
    CostModel cost = smallCost();

    assertThatThrownBy(() -> cost.flops(GroupMask.allKept(3)))
        .hasMessage("the mask covers 3 groups but the model has 6");
    assertThatThrownBy(() -> cost.parameters(new double[7]))
        .hasMessage("the keep vector has 7 entries but the model has 6 groups");
  }

  @Test
  void groupsFromAnotherGraphAreRejected() {
    GroupSet otherGroups =
        ZeroInvariantGroups.find(
            Architectures.resnetCifar(20, ChannelShape.spatial(3, 32, 32), 10));

    assertThatThrownBy(() -> CostModel.of(small(), otherGroups))
        .hasMessage("the groups were found in graph 'resnet20-cifar', not in 'small'");
  }
}
