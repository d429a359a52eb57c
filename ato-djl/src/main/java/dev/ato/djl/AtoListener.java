package dev.ato.djl;

import dev.ato.groups.GroupMask;

/**
 * Hears what an ATO run does: progress step by step, each controller update, and each epoch's
 * metrics. All methods have empty defaults; implement what you need. Called on the training thread,
 * so keep them quick. DJL's own {@code TrainingListener}s can be added too and hear the model's
 * batches as in any DJL training.
 */
public interface AtoListener {

  /** Before the first step, once the schedule is known. */
  default void onStart(RunInfo info) {}

  /** After each optimiser step, its projection and any controller update. */
  default void onStep(StepInfo step) {}

  /** After the controller was trained and the mask recomputed. */
  default void onControllerUpdate(ControllerUpdate update) {}

  /**
   * When the controller window has ended and the mask froze, with how it came to its FLOPs
   * reduction; before a miss is thrown as {@link FlopsTargetMissedException}.
   */
  default void onMaskFrozen(BudgetOutcome outcome) {}

  /** After each epoch, with its metrics. */
  default void onEpoch(EpochMetrics metrics) {}

  /** Where a run stands after one optimiser step. */
  interface StepInfo {
    /** The step just done, from 0. */
    long step();

    /** The run's total steps. */
    long totalSteps();

    /**
     * NDArrays alive in the model's and the controller's managers, counted when asked: flat over a
     * run when nothing leaks.
     */
    int liveArrays();

    /**
     * Mean training loss of the epoch's steps so far, read from DJL's loss accumulator when asked
     * (one small device-to-host copy).
     */
    double epochLoss();

    /** Share of the whole model's FLOPs that the current mask keeps, computed when asked. */
    double flopsRatio();

    /**
     * The mask after the step and any controller update or freeze in it: the one the next step
     * prunes with.
     */
    GroupMask mask();

    /**
     * Whether the step projected the pruned groups: from the warm-up on, when any is pruned, until
     * the compressed network takes over.
     */
    boolean projected();

    /**
     * Whether the step trained the compressed network in the dense model's place (see {@code
     * optTrainCompressedAfterFreeze}), which it does from a step after the freeze to the end.
     */
    boolean trainedCompressed();

    /** The lambda of the group-sparsity term the step projected with; NaN if it did not. */
    double lambda();

    /**
     * Wall-clock seconds of the step's forward pass, backward pass and optimiser step, batch
     * loading excluded. On a CPU libtorch computes synchronously, so this is the compute time; on a
     * GPU it is the time to queue the work.
     */
    double trainSeconds();

    /** Wall-clock seconds the step spent projecting pruned groups; 0 when it did not project. */
    double projectionSeconds();

    /**
     * Wall-clock seconds of the step's controller update (its held-out batch, the frozen model's
     * forward and backward passes, the controller's step); 0 at a step without one.
     */
    double controllerSeconds();
  }

  /**
   * What a run works with, known at its start.
   *
   * @param groups prunable groups
   * @param blocks controller blocks
   * @param totalSteps optimiser steps of the run
   * @param stepsPerEpoch optimiser steps per epoch
   * @param controllerStart first step the controller trains at
   * @param warmup first step that projects
   * @param controllerEnd last step the controller trains at
   * @param controllerInterval steps between controller updates
   * @param controllerUpdates controller updates in the window
   * @param controllerLearningRate learning rate of the controller's AdamW
   * @param targetRatio share of the prunable part's FLOPs the controller aims to keep
   */
  record RunInfo(
      int groups,
      int blocks,
      long totalSteps,
      long stepsPerEpoch,
      long controllerStart,
      long warmup,
      long controllerEnd,
      int controllerInterval,
      long controllerUpdates,
      double controllerLearningRate,
      double targetRatio) {}

  /**
   * One controller update.
   *
   * @param step the optimiser step it followed
   * @param taskLoss the frozen model's task loss (the run's loss function) on a held-out batch
   *     under the soft mask
   * @param penalty the resource loss R of the hard mask, before its weight
   * @param flopsRatio share of the prunable part's FLOPs the new mask keeps
   * @param prunedGroups groups the new mask prunes
   * @param applied false when the update was skipped because a gradient was not finite
   */
  record ControllerUpdate(
      long step,
      double taskLoss,
      double penalty,
      double flopsRatio,
      int prunedGroups,
      boolean applied) {}
}
