package dev.ato.schedule;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * The group-lasso strength over a run (docs/method.md, "Formulas"): {@code duringSearch} while the
 * controller may still change the mask ({@code t <= T_end}), {@code afterSearch} once it is frozen,
 * which drives the pruned groups to exact zero. Defaults 10 and 1000.
 *
 * @param duringSearch lambda for steps up to {@code T_end}, at least 0
 * @param afterSearch lambda for steps after {@code T_end}, at least 0
 */
public record LambdaSchedule(double duringSearch, double afterSearch) {

  public LambdaSchedule {
    checkArgument(
        duringSearch >= 0 && Double.isFinite(duringSearch),
        "lambda during the search must be finite and not negative, found %s",
        duringSearch);
    checkArgument(
        afterSearch >= 0 && Double.isFinite(afterSearch),
        "lambda after the search must be finite and not negative, found %s",
        afterSearch);
  }

  /** The paper's runs: 10 during the search, 1000 after. */
  public static LambdaSchedule defaults() {
    return new LambdaSchedule(10, 1000);
  }

  /** Lambda at step {@code step} of {@code schedule}. */
  public double at(long step, TrainingSchedule schedule) {
    return schedule.maskFrozen(step) ? afterSearch : duringSearch;
  }
}
