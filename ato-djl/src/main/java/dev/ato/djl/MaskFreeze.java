package dev.ato.djl;

import dev.ato.controller.FlopsBudget;
import dev.ato.groups.GroupMask;
import java.util.Locale;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The moment the mask freezes: at the end of the controller window, or where projection starts when
 * the mask comes from the weights' magnitude. A controller's mask outside the budget's tolerance is
 * brought to it by the controller's scores unless the run was told otherwise; a mask still outside
 * it is a miss, reported loudly, or an error when the run was told to fail on one.
 *
 * @param mask the mask the rest of the run prunes with
 * @param outcome how it came to its FLOPs reduction
 */
record MaskFreeze(GroupMask mask, BudgetOutcome outcome) {

  private static final Logger LOG = LoggerFactory.getLogger(MaskFreeze.class);

  /**
   * Freezes the controller's {@code mask} at {@code step}.
   *
   * @param scores the controller's logits, asked for only when the mask needs correcting
   * @throws FlopsTargetMissedException when the budget is missed and the run fails on a miss
   */
  static MaskFreeze at(
      long step,
      GroupMask mask,
      FlopsBudget budget,
      RunSettings settings,
      Supplier<double[]> scores) {
    double reached = budget.reduction(mask);
    GroupMask frozen = mask;
    int pruned = 0;
    int restored = 0;
    BudgetOutcome.Kind kind = BudgetOutcome.Kind.REACHED_BY_CONTROLLER;
    if (!budget.isMet(mask)) {
      kind = BudgetOutcome.Kind.MISSED;
      if (settings.config().budgetCorrection()) {
        FlopsBudget.Correction correction = budget.correct(mask, scores.get());
        frozen = correction.mask();
        pruned = correction.pruned().length();
        restored = correction.restored().length();
        if (budget.isMet(frozen)) {
          kind = BudgetOutcome.Kind.CORRECTED;
        }
      }
    }
    return rounded(frozen, kind, step, reached, pruned, restored, budget, settings, scores);
  }

  /**
   * Freezes at {@code step} the mask that prunes the groups of smallest {@code magnitudes} up to
   * the budget: {@link FlopsBudget#correct} from every group kept, with the magnitudes as the
   * scores, so the same rules hold (no layer left empty, no overshoot beyond the tolerance).
   *
   * @throws FlopsTargetMissedException when the budget is missed and the run fails on a miss
   */
  static MaskFreeze byMagnitude(
      long step, double[] magnitudes, FlopsBudget budget, RunSettings settings) {
    GroupMask everyGroup = GroupMask.allKept(magnitudes.length);
    FlopsBudget.Correction chosen = budget.correct(everyGroup, magnitudes);
    return rounded(
        chosen.mask(),
        BudgetOutcome.Kind.CHOSEN_BY_MAGNITUDE,
        step,
        budget.reduction(everyGroup),
        chosen.pruned().length(),
        0,
        budget,
        settings,
        () -> magnitudes);
  }

  /**
   * The chosen mask with each block's kept groups rounded to the run's channel multiple (none to
   * round when it is 1), frozen and announced; a mask outside the budget after it is a miss, and a
   * miss that the rounding brought within it counts as corrected. An automatic multiple that leaves
   * the mask outside the budget is halved until the budget holds, down to no rounding ({@link
   * ChannelRounding}); a multiple the user set is kept.
   */
  private static MaskFreeze rounded(
      GroupMask chosen,
      BudgetOutcome.Kind kind,
      long step,
      double chosenFrom,
      int pruned,
      int restored,
      FlopsBudget budget,
      RunSettings settings,
      Supplier<double[]> scores) {
    ChannelRounding.Applied applied = settings.channelRounding().applyTo(chosen, budget, scores);
    GroupMask frozen = applied.mask();
    ChannelRounding rounding = applied.rounding();
    if (rounding.multiple() > 1) {
      LOG.info(
          "kept groups rounded to multiples of {} per block: FLOPs -{}% -> -{}%",
          rounding.multiple(),
          String.format(Locale.ROOT, "%.1f", 100 * budget.reduction(chosen)),
          String.format(Locale.ROOT, "%.1f", 100 * budget.reduction(frozen)));
    }
    LOG.info("channel rounding: {}", rounding);
    BudgetOutcome.Kind settled =
        !budget.isMet(frozen)
            ? BudgetOutcome.Kind.MISSED
            : kind == BudgetOutcome.Kind.MISSED ? BudgetOutcome.Kind.CORRECTED : kind;
    return announce(
        frozen,
        new BudgetOutcome(
            settled,
            budget.target(),
            budget.tolerance(),
            step,
            chosenFrom,
            budget.reduction(frozen),
            pruned,
            restored,
            rounding),
        settings);
  }

  private static MaskFreeze announce(
      GroupMask frozen, BudgetOutcome outcome, RunSettings settings) {
    settings.listeners().forEach(l -> l.onMaskFrozen(outcome));
    if (outcome.met()) {
      LOG.info("mask frozen at step {}: FLOPs {}", outcome.step(), outcome);
    } else {
      String message = missedMessage(outcome, settings);
      LOG.warn(message);
      if (settings.config().failOnMissedTarget()) {
        throw new FlopsTargetMissedException(message, outcome);
      }
    }
    return new MaskFreeze(frozen, outcome);
  }

  private static String missedMessage(BudgetOutcome missed, RunSettings settings) {
    int multiple = missed.rounding().multiple();
    String coarse =
        String.format(
            Locale.ROOT,
            "got no closer than -%.1f%%: the groups are too "
                + "coarse for the tolerance; allow a larger optFlopsTolerance or ask for a reduction "
                + "nearer -%.1f%%%s",
            100 * missed.reduction(),
            100 * missed.reduction(),
            multiple > 1 ? " or a smaller optChannelMultiple (now " + multiple + ")" : "");
    String fix;
    if (multiple > 1) {
      fix = "stepping in multiples of " + multiple + " groups per block " + coarse;
    } else if (!settings.controllerChoosesMask()) {
      fix = "pruning the groups of smallest magnitude " + coarse;
    } else if (settings.config().budgetCorrection()) {
      fix = "correcting the mask by the controller's scores " + coarse;
    } else {
      fix =
          "the controller did not get there in its window: leave optBudgetCorrection on, or "
              + "give the controller more updates (optControllerUpdates, optControllerLearningRate) "
              + "or the run more steps";
    }
    return String.format(
        Locale.ROOT,
        "FLOPs target missed: asked for -%.1f%% (+- %.1f points), "
            + "the mask frozen at step %d of %d removes -%.1f%%, so the compressed model will "
            + "too; %s",
        100 * missed.target(),
        100 * missed.tolerance(),
        missed.step(),
        settings.schedule().totalSteps(),
        100 * missed.reduction(),
        fix);
  }
}
