package dev.ato.projection;

import dev.ato.groups.GroupSet;
import dev.ato.tensor.TensorOps;
import java.util.List;

/**
 * The L2 norm of every group's trainable slices, one reduction per parameter tensor: how far each
 * group is from zero. A run reports the largest norm among pruned groups to show that projection
 * did its work before the groups are cut.
 */
public final class GroupNorms {

  private final GroupSet groups;
  private final TensorPlans plans;

  private GroupNorms(GroupSet groups) {
    this.groups = groups;
    this.plans = new TensorPlans(groups);
  }

  /** Norms for the groups of {@code groups}. */
  public static GroupNorms of(GroupSet groups) {
    return new GroupNorms(groups);
  }

  /**
   * The norm of each group, indexed by group id. The norms are computed next to the parameters,
   * through {@code ops}, and copied to the host once.
   *
   * @param <T> the engine's tensor type
   * @param <V> the engine's vector type
   */
  public <T, V> double[] compute(TensorOps<T, V> ops, ParameterSource<T> parameters) {
    List<TensorPlan> all = plans.all();
    if (all.isEmpty()) {
      return new double[groups.size()];
    }
    List<T> tensors = TensorPlan.lookupAll(parameters, all);
    ChannelLayout layout = plans.layout(ops, all, tensors);
    try (TensorOps.Scope ignored = ops.openScope()) {
      ChannelLayout.Upload<V> upload =
          layout.upload(ops, new double[0], new int[0], tensors.get(0));
      V squares = layout.slotSums(ops, ops.sumOfSquares(tensors, layout.axes()), upload);
      return layout.byGroup(ops.download(ops.sqrt(squares)));
    }
  }
}
