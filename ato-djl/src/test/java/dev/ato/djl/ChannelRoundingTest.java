package dev.ato.djl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ato.architectures.Architectures;
import dev.ato.controller.FlopsBudget;
import dev.ato.cost.CostModel;
import dev.ato.graph.ChannelGraph;
import dev.ato.graph.ChannelShape;
import dev.ato.groups.ControllerBlock;
import dev.ato.groups.GroupMask;
import dev.ato.groups.GroupSet;
import dev.ato.groups.ZeroInvariantGroups;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Rounding the kept channels when the mask freezes, on a CIFAR ResNet-20 cut to -50% by a mask of
 * random scores. Its blocks have 16, 32 and 64 channels; with its first stage whole (16 is one
 * block of 16) and every other block at 16, the most multiples of 16 can remove is about 40% of the
 * FLOPs, so -50% needs a finer step.
 */
class ChannelRoundingTest {

  private final ChannelGraph graph =
      Architectures.resnetCifar(20, ChannelShape.spatial(1, 28, 28), 10);
  private final GroupSet groups = ZeroInvariantGroups.find(graph);
  private final CostModel cost = CostModel.of(graph, groups);
  private final FlopsBudget budget =
      FlopsBudget.of(cost, groups, cost.targetForReduction(0.5), FlopsBudget.DEFAULT_TOLERANCE);
  private final double[] scores = new SplittableRandom(5).doubles(groups.size()).toArray();
  private final GroupMask chosen = budget.correct(GroupMask.allKept(groups.size()), scores).mask();

  @Test
  void anAutomaticMultipleThatKeepsTheBudgetIsApplied() {
    ChannelRounding.Applied applied =
        new ChannelRounding(8, true, "the CPU has no AVX-512")
            .applyTo(chosen, budget, () -> scores);

    assertThat(applied.rounding().multiple()).isEqualTo(8);
    assertThat(applied.rounding().reason()).isEqualTo("the CPU has no AVX-512");
    assertThat(budget.isMet(applied.mask())).isTrue();
    assertEveryBlockKeepsAMultipleOrAll(applied.mask(), 8);
  }

  @Test
  void anAutomaticMultipleThatMissesTheBudgetIsHalvedUntilItKeepsIt() {
    ChannelRounding.Applied applied =
        new ChannelRounding(16, true, "the CPU has AVX-512").applyTo(chosen, budget, () -> scores);

    assertThat(applied.rounding().multiple()).isEqualTo(8);
    assertThat(applied.rounding().automatic()).isTrue();
    assertThat(applied.rounding().reason())
        .startsWith("the CPU has AVX-512; multiples of 16 " + "remove -4")
        .endsWith("% of the FLOPs, outside the budget, so multiples of 8");
    assertThat(budget.isMet(applied.mask())).isTrue();
  }

  @Test
  void anAutomaticMultipleLeavesAMaskOutsideTheBudgetUnroundedRatherThanCorrectIt() {
    GroupMask everyGroup = GroupMask.allKept(groups.size());

    ChannelRounding.Applied applied =
        new ChannelRounding(8, true, "the CPU has no AVX-512")
            .applyTo(everyGroup, budget, () -> scores);

    assertThat(applied.mask()).isEqualTo(everyGroup);
    assertThat(applied.rounding().multiple()).isEqualTo(1);
    assertThat(applied.rounding().reason())
        .isEqualTo(
            "the CPU has no AVX-512; the mask removes "
                + "-0.0% of the FLOPs before rounding, outside the budget, so no rounding");
  }

  @Test
  void aMultipleTheUserSetIsKeptEvenWhenTheBudgetIsMissed() {
    ChannelRounding.Applied applied =
        ChannelRounding.requested(16).applyTo(chosen, budget, () -> scores);

    assertThat(applied.rounding().multiple()).isEqualTo(16);
    assertThat(applied.rounding().reason()).isEqualTo("set by optChannelMultiple(16)");
    assertThat(budget.reduction(applied.mask())).isBetween(0.35, 0.45);
    assertEveryBlockKeepsAMultipleOrAll(applied.mask(), 16);
  }

  @Test
  void aMultipleOfOneLeavesTheMaskAsItIs() {
    ChannelRounding.Applied applied =
        ChannelRounding.requested(1)
            .applyTo(
                chosen,
                budget,
                () -> {
                  throw new AssertionError("no rounding needs no scores");
                });

    assertThat(applied.mask()).isEqualTo(chosen);
    assertThat(applied.rounding().toString())
        .isEqualTo("no rounding (no rounding, as " + "optChannelMultiple(1) asks)");
  }

  private void assertEveryBlockKeepsAMultipleOrAll(GroupMask mask, int multiple) {
    for (ControllerBlock block : groups.blocks()) {
      int kept = block.size() - mask.prunedCount(block.firstGroup(), block.size());
      assertThat(kept % multiple == 0 || kept == block.size()).as(block.name()).isTrue();
    }
  }
}
