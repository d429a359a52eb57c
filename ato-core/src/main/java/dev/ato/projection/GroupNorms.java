package dev.ato.projection;

import com.google.common.collect.ImmutableList;
import dev.ato.groups.GroupSet;
import dev.ato.tensor.TensorOps;

/**
 * The L2 norm of every group's trainable slices, one reduction per parameter tensor: how far
 * each group is from zero. A run reports the largest norm among pruned groups to show that
 * projection did its work before the groups are cut.
 */
public final class GroupNorms {

  private final GroupSet groups;
  private final ImmutableList<TensorPlan> plans;

  private GroupNorms(GroupSet groups) {
    this.groups = groups;
    this.plans = TensorPlan.of(groups);
  }

  /** Norms for the groups of {@code groups}. */
  public static GroupNorms of(GroupSet groups) {
    return new GroupNorms(groups);
  }

  /** The norm of each group, indexed by group id. */
  public <T> double[] compute(TensorOps<T> ops, ParameterSource<T> parameters) {
    double[] squares = new double[groups.size()];
    for (TensorPlan plan : plans) {
      T tensor = TensorPlan.lookup(parameters, plan);
      plan.accumulatePruned(ops.sumOfSquares(tensor, plan.axis()), null, squares);
    }
    for (int g = 0; g < squares.length; g++) {
      squares[g] = Math.sqrt(squares[g]);
    }
    return squares;
  }
}
