package dev.ato.djl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ato.djl.AtoListener.ControllerUpdate;
import dev.ato.groups.GroupMask;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunStateTest {

  private static final GroupMask ALL_KEPT = GroupMask.allKept(4);
  private static final GroupMask TWO_PRUNED = GroupMask.of(true, false, true, false);

  private static MaskFreeze frozenAt(long step, GroupMask mask) {
    return new MaskFreeze(
        mask,
        new BudgetOutcome(
            BudgetOutcome.Kind.REACHED_BY_CONTROLLER,
            0.5,
            0.01,
            step,
            0.5,
            0.5,
            0,
            0,
            ChannelRounding.requested(1)));
  }

  @Test
  void aNewRunPrunesWithItsInitialMaskAndIsNotFrozen() {
    RunState state = new RunState(ALL_KEPT);

    assertThat(state.mask()).isEqualTo(ALL_KEPT);
    assertThat(state.isFrozen()).isFalse();
    assertThat(state.epochsDone()).isZero();
  }

  @Test
  void theSearchReplacesTheMask() {
    RunState state = new RunState(ALL_KEPT);

    state.searched(TWO_PRUNED);

    assertThat(state.mask()).isEqualTo(TWO_PRUNED);
    assertThat(state.isFrozen()).isFalse();
  }

  @Test
  void freezingPrunesWithTheFrozenMaskFromThenOn() {
    RunState state = new RunState(ALL_KEPT);

    state.freeze(frozenAt(9, TWO_PRUNED));

    assertThat(state.isFrozen()).isTrue();
    assertThat(state.mask()).isEqualTo(TWO_PRUNED);
    assertThat(state.frozen().outcome().step()).isEqualTo(9);
  }

  @Test
  void theHistoryIsACopyInTheOrderItCame() {
    RunState state = new RunState(ALL_KEPT);
    state.addUpdate(new ControllerUpdate(3, 2.3, 0.1, 0.6, 1, true));
    state.addUpdate(new ControllerUpdate(5, 2.1, 0.05, 0.55, 2, true));
    List<ControllerUpdate> seen = state.updates();

    state.addUpdate(new ControllerUpdate(7, 2.0, 0.0, 0.5, 2, true));

    assertThat(seen).extracting(ControllerUpdate::step).containsExactly(3L, 5L);
    assertThat(state.updates()).extracting(ControllerUpdate::step).containsExactly(3L, 5L, 7L);
  }

  @Test
  void restoringPutsBackHistoryMaskAndFreeze() {
    RunState state = new RunState(ALL_KEPT);
    EpochMetrics first = new EpochMetrics(1, 12, 1.9, 0.4, 0.45, 2, 0.5, 0.0, 3.0);
    MaskFreeze freeze = frozenAt(11, TWO_PRUNED);

    state.restore(List.of(first), List.of(), TWO_PRUNED, freeze);

    assertThat(state.epochsDone()).isEqualTo(1);
    assertThat(state.epochs()).containsExactly(first);
    assertThat(state.mask()).isEqualTo(TWO_PRUNED);
    assertThat(state.frozen()).isEqualTo(freeze);
  }
}
