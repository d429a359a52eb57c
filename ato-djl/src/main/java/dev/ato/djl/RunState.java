package dev.ato.djl;

import dev.ato.djl.AtoListener.ControllerUpdate;
import dev.ato.groups.GroupMask;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a run stands: the mask it prunes with, the frozen mask once the search ended, and the
 * history so far (each epoch's metrics, each controller update). What a checkpoint saves and a
 * resumed run restores.
 */
final class RunState {

  private final List<EpochMetrics> epochs = new ArrayList<>();
  private final List<ControllerUpdate> updates = new ArrayList<>();
  private GroupMask mask;
  private MaskFreeze frozen;

  RunState(GroupMask initialMask) {
    this.mask = initialMask;
  }

  /** The mask the run prunes with now. */
  GroupMask mask() {
    return mask;
  }

  /** Takes the controller's latest mask; the search is still open. */
  void searched(GroupMask latest) {
    this.mask = latest;
  }

  /** Freezes the mask: the run prunes with {@code freeze}'s mask from now on. */
  void freeze(MaskFreeze freeze) {
    this.frozen = freeze;
    this.mask = freeze.mask();
  }

  /** Whether the mask froze. */
  boolean isFrozen() {
    return frozen != null;
  }

  /** The freeze, or null before it. */
  MaskFreeze frozen() {
    return frozen;
  }

  /** Epochs done, from 0. */
  int epochsDone() {
    return epochs.size();
  }

  void addEpoch(EpochMetrics metrics) {
    epochs.add(metrics);
  }

  void addUpdate(ControllerUpdate update) {
    updates.add(update);
  }

  List<EpochMetrics> epochs() {
    return List.copyOf(epochs);
  }

  List<ControllerUpdate> updates() {
    return List.copyOf(updates);
  }

  /** Puts back what a checkpoint saved: the history, the mask and the freeze (or null). */
  void restore(
      List<EpochMetrics> savedEpochs,
      List<ControllerUpdate> savedUpdates,
      GroupMask savedMask,
      MaskFreeze savedFreeze) {
    epochs.clear();
    epochs.addAll(savedEpochs);
    updates.clear();
    updates.addAll(savedUpdates);
    mask = savedMask;
    frozen = savedFreeze;
  }
}
