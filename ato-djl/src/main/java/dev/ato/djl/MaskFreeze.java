package dev.ato.djl;

import dev.ato.controller.FlopsBudget;
import dev.ato.groups.GroupMask;
import java.util.Locale;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of the controller window: the mask freezes. A mask outside the budget's tolerance is
 * brought to it by the controller's scores unless the run was told otherwise; a mask still
 * outside it is a miss, reported loudly, or an error when the run was told to fail on one.
 *
 * @param mask the mask the rest of the run prunes with
 * @param outcome how it came to its FLOPs reduction
 */
record MaskFreeze(GroupMask mask, BudgetOutcome outcome) {

  private static final Logger LOG = LoggerFactory.getLogger(MaskFreeze.class);

  /**
   * Freezes {@code mask} at {@code step}.
   *
   * @param scores the controller's logits, asked for only when the mask needs correcting
   * @throws FlopsTargetMissedException when the budget is missed and the run fails on a miss
   */
  static MaskFreeze at(long step, GroupMask mask, FlopsBudget budget, RunSettings settings,
      Supplier<double[]> scores) {
    double reached = budget.reduction(mask);
    GroupMask frozen = mask;
    int pruned = 0;
    int restored = 0;
    BudgetOutcome.Kind kind = BudgetOutcome.Kind.REACHED_BY_CONTROLLER;
    if (!budget.isMet(mask)) {
      kind = BudgetOutcome.Kind.MISSED;
      if (settings.budgetCorrection()) {
        FlopsBudget.Correction correction = budget.correct(mask, scores.get());
        frozen = correction.mask();
        pruned = correction.pruned().length();
        restored = correction.restored().length();
        if (budget.isMet(frozen)) {
          kind = BudgetOutcome.Kind.CORRECTED;
        }
      }
    }
    BudgetOutcome outcome = new BudgetOutcome(kind, budget.target(), budget.tolerance(), step,
        reached, budget.reduction(frozen), pruned, restored);
    settings.listeners().forEach(l -> l.onMaskFrozen(outcome));
    if (outcome.met()) {
      LOG.info("mask frozen at step {}: FLOPs {}", step, outcome);
    } else {
      String message = missedMessage(outcome, settings);
      LOG.warn(message);
      if (settings.failOnMissedTarget()) {
        throw new FlopsTargetMissedException(message, outcome);
      }
    }
    return new MaskFreeze(frozen, outcome);
  }

  private static String missedMessage(BudgetOutcome missed, RunSettings settings) {
    String fix = settings.budgetCorrection()
        ? String.format(Locale.ROOT, "correcting the mask by the controller's scores got no "
            + "closer than -%.1f%%: the groups are too coarse for the tolerance; allow a larger "
            + "optFlopsTolerance or ask for a reduction nearer -%.1f%%",
            100 * missed.reduction(), 100 * missed.reduction())
        : "the controller did not get there in its window: leave optBudgetCorrection on, or give "
            + "the controller more updates (optControllerUpdates, optControllerLearningRate) or "
            + "the run more steps";
    return String.format(Locale.ROOT, "FLOPs target missed: asked for -%.1f%% (+- %.1f points), "
            + "the mask frozen at step %d of %d removes -%.1f%%, so the compressed model will "
            + "too; %s", 100 * missed.target(), 100 * missed.tolerance(), missed.step(),
        settings.schedule().totalSteps(), 100 * missed.reduction(), fix);
  }
}
