package dev.ato.djl;

import java.util.Locale;

/**
 * How a run's mask came to its FLOPs reduction when the controller window ended and the mask froze.
 *
 * @param kind whether the controller reached the budget, a correction brought the mask to it, the
 *     weights' magnitude chose it ({@link dev.ato.config.MaskSource#MAGNITUDE}), or the mask missed
 *     it
 * @param target the requested share of the whole model's FLOPs to remove
 * @param tolerance how far from the target the reduction may be
 * @param step the step at which the mask froze
 * @param controllerReduction the reduction of the controller's own mask at that step; 0 for a mask
 *     chosen by magnitude, which starts from every group kept
 * @param reduction the reduction of the mask the run went on with
 * @param groupsPruned groups the correction pruned beyond the controller's mask, or the groups a
 *     mask chosen by magnitude prunes
 * @param groupsRestored groups of the controller's mask the correction kept again
 * @param rounding the channel multiple the kept groups were rounded to, and why
 */
public record BudgetOutcome(
    Kind kind,
    double target,
    double tolerance,
    long step,
    double controllerReduction,
    double reduction,
    int groupsPruned,
    int groupsRestored,
    ChannelRounding rounding) {

  public BudgetOutcome {
    if (kind == null || rounding == null) {
      throw new IllegalArgumentException(
          "a budget outcome needs its kind and its channel " + "rounding");
    }
  }

  /** What happened to the mask when the window ended. */
  public enum Kind {
    /** The controller's mask was within the tolerance of the target. */
    REACHED_BY_CONTROLLER,
    /** The controller's mask was not; the correction by its scores brought it there. */
    CORRECTED,
    /** No controller: the groups of smallest magnitude were pruned up to the budget. */
    CHOSEN_BY_MAGNITUDE,
    /** The mask the run went on with is outside the tolerance. */
    MISSED
  }

  /** Whether the frozen mask's reduction is within the tolerance of the target. */
  public boolean met() {
    return kind != Kind.MISSED;
  }

  @Override
  public String toString() {
    String reached =
        String.format(
            Locale.ROOT,
            "-%.1f%% (target -%.1f%% +- %.1f points) at " + "step %d, %s",
            100 * reduction,
            100 * target,
            100 * tolerance,
            step,
            rounding.multiple() == 1
                ? "channels not rounded"
                : "channels in multiples of " + rounding.multiple());
    return switch (kind) {
      case REACHED_BY_CONTROLLER -> "reached by the controller: " + reached;
      case CORRECTED ->
          String.format(
              Locale.ROOT,
              "corrected from the controller's -%.1f%% " + "(%d groups pruned, %d kept again): %s",
              100 * controllerReduction,
              groupsPruned,
              groupsRestored,
              reached);
      case CHOSEN_BY_MAGNITUDE ->
          String.format(
              Locale.ROOT,
              "chosen by magnitude (%d groups " + "pruned): %s",
              groupsPruned,
              reached);
      case MISSED -> "missed: " + reached;
    };
  }
}
