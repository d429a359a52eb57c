package dev.ato.projection;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import dev.ato.groups.GroupMask;
import dev.ato.groups.GroupSet;
import dev.ato.tensor.TensorOps;
import java.util.Arrays;
import java.util.List;

/**
 * The {@link TensorPlan}s of a group set, and the {@link ChannelLayout} of the tensors last
 * projected: between two changes of the mask every step projects the same tensors, so the layout is
 * worked out once and reused. Safe to share between threads.
 */
final class TensorPlans {

  private final ImmutableList<TensorPlan> all;
  private final int groupCount;
  private volatile ChannelLayout last;

  TensorPlans(GroupSet groups) {
    this.all = TensorPlan.of(groups);
    this.groupCount = groups.size();
  }

  /** Every plan, one per trainable tensor holding a member slice of some group. */
  ImmutableList<TensorPlan> all() {
    return all;
  }

  /** The plans of the tensors that hold a group {@code mask} prunes, in order. */
  ImmutableList<TensorPlan> touching(GroupMask mask) {
    return all.stream()
        .filter(plan -> plan.touchesPruned(mask))
        .collect(ImmutableList.toImmutableList());
  }

  /** The layout of {@code plans} (taken from {@link #all}) whose tensors are {@code tensors}. */
  <T> ChannelLayout layout(TensorOps<T, ?> ops, List<TensorPlan> plans, List<T> tensors) {
    int[] lengths = new int[plans.size()];
    for (int p = 0; p < lengths.length; p++) {
      TensorPlan plan = plans.get(p);
      int[] shape = ops.shape(tensors.get(p));
      checkArgument(
          plan.axis() < shape.length,
          "parameter '%s' of layer '%s' has shape %s, which has no axis %s",
          plan.parameter(),
          plan.layer(),
          Arrays.toString(shape),
          plan.axis());
      lengths[p] = shape[plan.axis()];
    }
    ChannelLayout layout = last;
    if (layout == null || !layout.fits(plans, lengths)) {
      layout = ChannelLayout.of(plans, lengths, groupCount);
      last = layout;
    }
    return layout;
  }
}
