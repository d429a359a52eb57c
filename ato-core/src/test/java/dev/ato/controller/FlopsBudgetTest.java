package dev.ato.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ato.cost.CostModel;
import dev.ato.graph.ChannelGraph;
import dev.ato.graph.ChannelShape;
import dev.ato.graph.Layer;
import dev.ato.graph.Layer.Conv2d;
import dev.ato.groups.GroupMask;
import dev.ato.groups.GroupSet;
import dev.ato.groups.ZeroInvariantGroups;
import dev.ato.testing.SmallGraphs;
import org.junit.jupiter.api.Test;

/**
 * The budget's rule on {@link SmallGraphs#twoConvolutions()}: data 3x8x8 -> a: conv 3x3, 4 filters
 * -> bn -> relu -> b: conv 1x1, 2 filters -> global pool -> fc: 5 units. Groups 0..3 are a's
 * channels, 4..5 b's. All kept: a 27 * 4 * 64 = 6912, b 4 * 2 * 64 = 512, fc 2 * 5 = 10, 7434 MACs.
 * Pruning one of a's channels removes 1856 MACs (reduction 0.2497); one of b's, 261 (0.0351); both
 * one of a's and one of b's leave 5381 (0.2762); two of a's leave 3722 (0.4993).
 */
class FlopsBudgetTest {

  /** Scores: a = 0.9, 0.1, 0.5, 0.7; b = 0.3, 0.8. */
  private static final double[] SCORES = {0.9, 0.1, 0.5, 0.7, 0.3, 0.8};

  private final ChannelGraph graph = SmallGraphs.twoConvolutions();
  private final GroupSet groups = ZeroInvariantGroups.find(graph);
  private final CostModel cost = CostModel.of(graph, groups);

  private FlopsBudget budget(double reduction) {
    return FlopsBudget.of(cost, groups, cost.targetForReduction(reduction), 0.01);
  }

  @Test
  void theReductionIsTheWholeModelsShareOfFlopsRemoved() {
    assertThat(budget(0.25).reduction(GroupMask.of(true, false, true, true, true, true)))
        .isCloseTo(1 - 5578 / 7434.0, within(1e-12));
  }

  @Test
  void aMaskWithinTheToleranceMeetsTheBudgetAndIsLeftAlone() {
    GroupMask mask = GroupMask.of(true, false, true, true, true, true);

    FlopsBudget.Correction correction = budget(0.25).correct(mask, SCORES);

    assertThat(budget(0.25).isMet(mask)).isTrue();
    assertThat(correction.mask()).isEqualTo(mask);
    assertThat(correction.changed()).isFalse();
  }

  @Test
  void aMaskKeepingTooMuchLosesItsLowestScoredGroupsUntilTheTarget() {
    // Target 0.255: pruning a[1] (score 0.1) gives 0.2497, inside but short of the target; b[0]
    // (0.3) would then give 0.2762, beyond 0.265, and is passed over; a[2] (0.5) gives 0.4993,
    // passed over; the rest likewise. a[1] alone stays.
    FlopsBudget.Correction correction = budget(0.255).correct(GroupMask.allKept(6), SCORES);

    assertThat(correction.pruned().asList()).containsExactly(1);
    assertThat(correction.restored().asList()).isEmpty();
    assertThat(correction.mask()).isEqualTo(GroupMask.of(true, false, true, true, true, true));
    assertThat(budget(0.255).isMet(correction.mask())).isTrue();
  }

  @Test
  void aMaskKeepingTooLittleGetsItsHighestScoredPrunedGroupsBack() {
    // a[1] and a[2] pruned: 0.4993 against 0.25. Restoring a[2] (0.5, above a[1]'s 0.1) gives
    // 0.2497, which reaches the target.
    GroupMask overPruned = GroupMask.of(true, false, false, true, true, true);

    FlopsBudget.Correction correction = budget(0.25).correct(overPruned, SCORES);

    assertThat(correction.restored().asList()).containsExactly(2);
    assertThat(correction.mask()).isEqualTo(GroupMask.of(true, false, true, true, true, true));
    assertThat(budget(0.25).isMet(correction.mask())).isTrue();
  }

  @Test
  void groupsTooCoarseForTheToleranceLeaveTheBudgetMissed() {
    // Target 0.12: one of a's channels alone overshoots (0.2497 > 0.13), b[0] helps (0.0351),
    // then every further change overshoots, and pruning b[1] too would leave b with no channel.
    FlopsBudget.Correction correction = budget(0.12).correct(GroupMask.allKept(6), SCORES);

    assertThat(correction.pruned().asList()).containsExactly(4);
    assertThat(budget(0.12).reduction(correction.mask()))
        .isCloseTo(1 - 7173 / 7434.0, within(1e-12));
    assertThat(budget(0.12).isMet(correction.mask())).isFalse();
  }

  // roundBlocks with a multiple of 2: block a (groups 0..3) may keep 2 or 4, block b (4..5) has
  // no fewer than 2 groups to keep and stays whole.

  @Test
  void roundingToOneLeavesTheMaskAsItIs() {
    GroupMask mask = GroupMask.of(true, false, true, true, true, true);

    assertThat(budget(0.25).roundBlocks(mask, SCORES, 1)).isEqualTo(mask);
  }

  @Test
  void aMaskOfWholeStepsWithinTheBudgetIsLeftAsItIs() {
    // a keeps a[0] and a[3]: 3722 MACs, 0.4993.
    GroupMask mask = GroupMask.of(true, false, false, true, true, true);

    assertThat(budget(0.5).roundBlocks(mask, SCORES, 2)).isEqualTo(mask);
  }

  @Test
  void aCountBetweenStepsGoesToTheLargerOnATieAndTheBudgetIsReachedInWholeSteps() {
    // a keeps 3 (a[1] pruned): halfway between 2 and 4, so 4, reduction 0; then a steps down to
    // 2, dropping its two lowest-scored groups a[1] (0.1) and a[2] (0.5): 0.4993, met.
    GroupMask mask = GroupMask.of(true, false, true, true, true, true);

    GroupMask rounded = budget(0.5).roundBlocks(mask, SCORES, 2);

    assertThat(rounded).isEqualTo(GroupMask.of(true, false, false, true, true, true));
    assertThat(budget(0.5).isMet(rounded)).isTrue();
  }

  @Test
  void aBlockRoundedUpKeepsItsHighestScoredGroups() {
    // a keeps only a[1] (score 0.1): 1 goes to 2, and the two kept are a[0] (0.9) and a[3]
    // (0.7), not a[1]: 3722 MACs, 0.4993.
    GroupMask mask = GroupMask.of(false, true, false, false, true, true);

    assertThat(budget(0.5).roundBlocks(mask, SCORES, 2))
        .isEqualTo(GroupMask.of(true, false, false, true, true, true));
  }

  @Test
  void stepsTooCoarseForTheToleranceLeaveTheBudgetMissed() {
    // Target 0.25: a's counts give 0 or 0.4993, and b cannot be cut; from 4 (the tie of 3) the
    // step to 2 overshoots 0.26, so the mask keeps everything and misses.
    GroupMask rounded =
        budget(0.25).roundBlocks(GroupMask.of(true, false, true, true, true, true), SCORES, 2);

    assertThat(rounded).isEqualTo(GroupMask.allKept(6));
    assertThat(budget(0.25).isMet(rounded)).isFalse();
  }

  @Test
  void whenNoSingleStepFitsOneBlockStepsBackAndAnotherForward() {
    // data 1x1x1 -> a: 1x1 conv, 4 filters (4 MACs) -> b: 1x1 conv, 4 filters (16) -> fc: 3
    // units (12); 32 MACs. Halving a (groups 0..3) saves 2 + 8 = 10 (0.3125), halving b (4..7)
    // 8 + 6 = 14 (0.4375), both 20. Target 0.4375 from a halved: b's step alone overshoots
    // (0.625), a has no step down left; a back to 4 and b to 2 lands on the target, b keeping
    // its two highest-scored groups, 6 (0.7) and 4 (0.6).
    ChannelGraph.Builder b = ChannelGraph.builder("pair");
    String x = b.input("data", ChannelShape.spatial(1, 1, 1));
    x = b.add("a", Conv2d.builder().setFilters(4).setKernelShape(1).optBias(false).build(), x);
    x = b.add("b", Conv2d.builder().setFilters(4).setKernelShape(1).optBias(false).build(), x);
    b.add("fc", Layer.Linear.of(3), b.add("flatten", new Layer.Flatten(), x));
    ChannelGraph pair = b.build();
    GroupSet pairGroups = ZeroInvariantGroups.find(pair);
    CostModel pairCost = CostModel.of(pair, pairGroups);
    FlopsBudget budget =
        FlopsBudget.of(pairCost, pairGroups, pairCost.targetForReduction(14 / 32.0), 0.01);
    double[] scores = {0.9, 0.8, 0.2, 0.1, 0.6, 0.3, 0.7, 0.4};

    GroupMask rounded =
        budget.roundBlocks(
            GroupMask.of(true, true, false, false, true, true, true, true), scores, 2);

    assertThat(pairCost.flops()).isEqualTo(32);
    assertThat(rounded).isEqualTo(GroupMask.of(true, true, true, true, true, false, true, false));
    assertThat(budget.reduction(rounded)).isCloseTo(14 / 32.0, within(1e-12));
  }

  @Test
  void aMultipleBelowOneIsRejected() {
    assertThatThrownBy(() -> budget(0.5).roundBlocks(GroupMask.allKept(6), SCORES, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the channel multiple must be at least 1, found 0");
  }

  @Test
  void aToleranceOutsideTheUnitIntervalIsRejected() {
    assertThatThrownBy(() -> FlopsBudget.of(cost, groups, cost.targetForReduction(0.3), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "the tolerance is a share of the model's FLOPs and must lie in (0, 1), e.g. "
                + "0.01 for one percentage point; found 0.0");
  }
}
