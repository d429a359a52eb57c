package dev.ato.djl;

import static com.google.common.base.Preconditions.checkArgument;

import dev.ato.controller.FlopsBudget;
import dev.ato.groups.GroupMask;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * How a run rounds each controller block's kept channels when the mask freezes, so that the
 * compressed network's layers fill the engine's channel blocks and its FLOPs saving becomes time
 * saved. Asked for by {@link AutoTrainOnceBuilder#optChannelMultiple}, or chosen automatically from
 * the engine's block ({@link dev.ato.djl.engine.ChannelBlocks}); the result's {@link
 * BudgetOutcome#rounding()} says which multiple was applied and why.
 *
 * @param multiple kept channels are multiples of this (or the whole block); 1 for no rounding
 * @param automatic whether ato chose the multiple, and may take a smaller one where this one cannot
 *     meet the FLOPs budget; a multiple the user set is kept as it is
 * @param reason why this multiple
 */
public record ChannelRounding(int multiple, boolean automatic, String reason) {

  public ChannelRounding {
    checkArgument(multiple >= 1, "the channel multiple must be at least 1, found %s", multiple);
    checkArgument(reason != null && !reason.isBlank(), "a channel rounding needs its reason");
  }

  /** A multiple the user set. */
  static ChannelRounding requested(int multiple) {
    return new ChannelRounding(
        multiple,
        false,
        multiple == 1
            ? "no rounding, as optChannelMultiple(1) asks"
            : "set by optChannelMultiple(" + multiple + ")");
  }

  /**
   * A mask rounded, and the rounding that was applied to it.
   *
   * @param mask the rounded mask
   * @param rounding the multiple used, with why
   */
  record Applied(GroupMask mask, ChannelRounding rounding) {}

  /**
   * Rounds {@code chosen}'s kept groups per block to this multiple, keeping each block's
   * highest-{@code scores} groups ({@link FlopsBudget#roundBlocks}). An automatic multiple neither
   * costs nor corrects the budget: it rounds only a mask within the budget, and is halved until the
   * rounded mask is within it too, down to no rounding; the reason says so. A multiple the user set
   * is applied as it is.
   */
  Applied applyTo(GroupMask chosen, FlopsBudget budget, Supplier<double[]> scores) {
    if (automatic && multiple > 1 && !budget.isMet(chosen)) {
      // Rounding steps towards the budget: done here, it would correct a mask that the run
      // was told not to correct (optBudgetCorrection(false)).
      return new Applied(
          chosen,
          new ChannelRounding(
              1,
              true,
              reason
                  + String.format(
                      Locale.ROOT,
                      "; the mask removes -%.1f%% of the FLOPs before rounding, outside the "
                          + "budget, so no rounding",
                      100 * budget.reduction(chosen))));
    }
    ChannelRounding rounding = this;
    GroupMask rounded = rounding.round(chosen, budget, scores);
    while (rounding.automatic && rounding.multiple > 1 && !budget.isMet(rounded)) {
      int smaller = rounding.multiple / 2;
      rounding =
          new ChannelRounding(
              smaller,
              true,
              rounding.reason
                  + String.format(
                      Locale.ROOT,
                      "; multiples of %d remove -%.1f%% of the FLOPs, outside the budget, "
                          + "so %s",
                      rounding.multiple,
                      100 * budget.reduction(rounded),
                      smaller == 1 ? "no rounding" : "multiples of " + smaller));
      rounded = rounding.round(chosen, budget, scores);
    }
    return new Applied(rounded, rounding);
  }

  private GroupMask round(GroupMask chosen, FlopsBudget budget, Supplier<double[]> scores) {
    return multiple == 1 ? chosen : budget.roundBlocks(chosen, scores.get(), multiple);
  }

  @Override
  public String toString() {
    return (multiple == 1 ? "no rounding" : "multiples of " + multiple)
        + " ("
        + (automatic ? "automatic: " : "")
        + reason
        + ")";
  }
}
