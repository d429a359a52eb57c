package dev.ato.djl;

/**
 * Thrown by {@link AutoTrainOnce#fit()} when it was told to fail on a missed target ({@link
 * AutoTrainOnceBuilder#optFailOnMissedTarget}) and the mask misses the budget once the controller
 * window ends. The message names the target, the reduction reached and the likely fix; the user's
 * model holds the weights trained so far.
 */
public final class FlopsTargetMissedException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  private final transient BudgetOutcome outcome;

  FlopsTargetMissedException(String message, BudgetOutcome outcome) {
    super(message);
    this.outcome = outcome;
  }

  /** The reductions at the moment the mask froze. */
  public BudgetOutcome outcome() {
    return outcome;
  }
}
