package dev.ato.djl;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.ato.groups.GroupSet;
import dev.ato.projection.GroupLassoProjector;
import dev.ato.projection.HalfSpaceProjector;
import dev.ato.projection.Projector;
import dev.ato.schedule.LambdaSchedule;

/**
 * Which projection drives pruned groups to zero during an ATO run (spec section 5): the
 * group-lasso proximal step with a lambda schedule (the paper's default), or OTO's half-space
 * projection. Immutable.
 */
public final class Projection {

  private final LambdaSchedule lambda;
  private final double epsilon;
  private final boolean halfSpace;

  private Projection(LambdaSchedule lambda, double epsilon, boolean halfSpace) {
    this.lambda = lambda;
    this.epsilon = epsilon;
    this.halfSpace = halfSpace;
  }

  /** Group lasso with lambda 10 during the search and 1000 after it. */
  public static Projection groupLasso() {
    return groupLasso(LambdaSchedule.defaults());
  }

  /** Group lasso with the given lambda schedule. */
  public static Projection groupLasso(LambdaSchedule lambda) {
    return new Projection(checkNotNull(lambda, "the lambda schedule must not be null"), 0, false);
  }

  /**
   * Half-space projection in OTO's projected-gradient form: each pruned group takes the
   * group-lasso pull of lambda 10 during the search and 1000 after it, then the half-space
   * test; once the mask froze the pull has a deadline, so pruned groups are exactly zero at the
   * end of the run.
   *
   * @param epsilon in [0, 1); the paper's default is 0.1
   */
  public static Projection halfSpace(double epsilon) {
    return halfSpace(epsilon, LambdaSchedule.defaults());
  }

  /**
   * Half-space projection with the given lambda schedule for its group-sparsity pull.
   *
   * @param epsilon in [0, 1); the paper's default is 0.1
   */
  public static Projection halfSpace(double epsilon, LambdaSchedule lambda) {
    checkArgument(epsilon >= 0 && epsilon < 1,
        "epsilon of the half-space projection must lie in [0, 1), found %s", epsilon);
    return new Projection(checkNotNull(lambda, "the lambda schedule must not be null"), epsilon,
        true);
  }

  /** The lambda schedule of the group-sparsity step, for either projection. */
  public LambdaSchedule lambda() {
    return lambda;
  }

  Projector create(GroupSet groups) {
    return halfSpace ? HalfSpaceProjector.of(groups, epsilon) : GroupLassoProjector.of(groups);
  }

  @Override
  public String toString() {
    return halfSpace ? "half-space projection (epsilon " + epsilon + ", lambda "
        + lambda.duringSearch() + " -> " + lambda.afterSearch() + ")"
        : "group lasso (lambda " + lambda.duringSearch() + " -> " + lambda.afterSearch() + ")";
  }
}
