package dev.ato.projection;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import dev.ato.groups.GroupMask;
import dev.ato.groups.GroupSet;
import dev.ato.tensor.TensorOps;

/**
 * Half-space projection (Eq. 3 of Wu et al., CVPR 2024, from Chen et al., "Only Train Once",
 * NeurIPS 2021), applied to the groups a mask prunes: with {@code x_g} the group before the
 * optimiser step and {@code z_g} after it, {@code z_g <- 0} if
 * {@code z_g . x_g < epsilon * ||x_g||^2}, else {@code z_g} is left as it is.
 *
 * <p>A group that was already zero before the step ({@code x_g = 0}) is set to zero again: the
 * half-space is undefined there, and a pruned group must stay zero so that removing it changes
 * no output.
 */
public final class HalfSpaceProjector implements Projector {

  private final GroupSet groups;
  private final double epsilon;
  private final ImmutableList<TensorPlan> plans;

  private HalfSpaceProjector(GroupSet groups, double epsilon) {
    this.groups = groups;
    this.epsilon = epsilon;
    this.plans = TensorPlan.of(groups);
  }

  /**
   * A projector for the groups of {@code groups}.
   *
   * @param epsilon how far into the half-space a group must stay to survive, in [0, 1); the
   *     paper's default is 0.1
   */
  public static HalfSpaceProjector of(GroupSet groups, double epsilon) {
    checkArgument(epsilon >= 0 && epsilon < 1,
        "epsilon of the half-space projection must lie in [0, 1), found %s", epsilon);
    return new HalfSpaceProjector(groups, epsilon);
  }

  /** The epsilon this projector uses. */
  public double epsilon() {
    return epsilon;
  }

  @Override
  public boolean needsValuesBeforeStep() {
    return true;
  }

  @Override
  public <T> void projectInPlace(TensorOps<T> ops, ProjectionStep<T> step) {
    GroupMask mask = step.mask();
    checkArgument(mask.size() == groups.size(),
        "the mask covers %s groups but graph '%s' has %s", mask.size(), groups.graphName(),
        groups.size());
    checkArgument(step.beforeStep().isPresent(),
        "half-space projection needs the parameters before the optimiser step");
    if (mask.prunedCount() == 0) {
      return;
    }
    ParameterSource<T> before = step.beforeStep().get();
    double[] dots = new double[groups.size()];
    double[] squaredNorms = new double[groups.size()];
    for (TensorPlan plan : plans) {
      if (plan.touchesPruned(mask)) {
        T z = TensorPlan.lookup(step.current(), plan);
        T x = TensorPlan.lookup(before, plan);
        plan.accumulatePruned(ops.dot(z, x, plan.axis()), mask, dots);
        plan.accumulatePruned(ops.sumOfSquares(x, plan.axis()), mask, squaredNorms);
      }
    }
    double[] factors = new double[groups.size()];
    for (int g = 0; g < factors.length; g++) {
      boolean wasZero = squaredNorms[g] == 0;
      factors[g] = wasZero || dots[g] < epsilon * squaredNorms[g] ? 0 : 1;
    }
    TensorPlan.scalePruned(plans, ops, step.current(), mask, factors);
  }
}
