package dev.ato.projection;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.ato.groups.GroupSet;
import dev.ato.schedule.LambdaSchedule;

/**
 * Which projection drives an ATO run's pruned groups to zero (docs/method.md, "Projection"): the
 * group-lasso proximal step with a lambda schedule (the paper's default), or Only-Train-Once's
 * half-space projection. Each kind is a value: immutable, equal when its settings are.
 */
public sealed interface Projection permits Projection.GroupLasso, Projection.HalfSpace {

  /** The lambda schedule of the group-sparsity step, for either kind. */
  LambdaSchedule lambda();

  /** The projector that applies this projection to {@code groups}. */
  Projector projector(GroupSet groups);

  /** Group lasso with lambda 10 during the search and 1000 after it. */
  static GroupLasso groupLasso() {
    return new GroupLasso(LambdaSchedule.defaults());
  }

  /**
   * Half-space projection with the default lambda schedule for its group-sparsity pull.
   *
   * @param epsilon in [0, 1); the paper's default is 0.1
   */
  static HalfSpace halfSpace(double epsilon) {
    return new HalfSpace(epsilon, LambdaSchedule.defaults());
  }

  /**
   * The group-lasso proximal step: each pruned group's norm shrinks by learning rate times lambda
   * per step, and reaches zero in finitely many steps.
   *
   * @param lambda the lambda schedule
   */
  record GroupLasso(LambdaSchedule lambda) implements Projection {

    /** Checks the schedule. */
    public GroupLasso {
      checkNotNull(lambda, "the lambda schedule must not be null");
    }

    @Override
    public Projector projector(GroupSet groups) {
      return GroupLassoProjector.of(groups);
    }

    @Override
    public String toString() {
      return "group lasso (lambda " + lambda.duringSearch() + " -> " + lambda.afterSearch() + ")";
    }
  }

  /**
   * Half-space projection in Only-Train-Once's projected-gradient form: each pruned group takes the
   * group-lasso pull, then the half-space test; once the mask froze the pull has a deadline, so
   * pruned groups are exactly zero at the end of the run.
   *
   * @param epsilon the half-space test's margin, in [0, 1)
   * @param lambda the lambda schedule of the group-sparsity pull
   */
  record HalfSpace(double epsilon, LambdaSchedule lambda) implements Projection {

    /** The paper's epsilon, 0.1. */
    public static final double DEFAULT_EPSILON = 0.1;

    /** Checks epsilon and the schedule. */
    public HalfSpace {
      checkArgument(
          epsilon >= 0 && epsilon < 1,
          "epsilon of the half-space projection must lie in [0, 1), e.g. the paper's 0.1; "
              + "found %s",
          epsilon);
      checkNotNull(lambda, "the lambda schedule must not be null");
    }

    @Override
    public Projector projector(GroupSet groups) {
      return HalfSpaceProjector.of(groups, epsilon);
    }

    @Override
    public String toString() {
      return "half-space projection (epsilon "
          + epsilon
          + ", lambda "
          + lambda.duringSearch()
          + " -> "
          + lambda.afterSearch()
          + ")";
    }
  }
}
