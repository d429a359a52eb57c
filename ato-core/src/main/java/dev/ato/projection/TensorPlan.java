package dev.ato.projection;

import com.google.common.collect.ImmutableList;
import com.google.common.primitives.ImmutableIntArray;
import dev.ato.groups.Group;
import dev.ato.groups.GroupMask;
import dev.ato.groups.GroupSet;
import dev.ato.groups.Slice;
import dev.ato.tensor.TensorOps;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the groups sit in each trainable parameter tensor: for the tensor {@code layer.parameter},
 * along {@code axis}, index {@code indices[i]} belongs to group {@code groups[i]}. Precomputed
 * once so that a projection touches each tensor with whole-tensor operations.
 */
record TensorPlan(String layer, String parameter, int axis, ImmutableIntArray indices,
    ImmutableIntArray groups) {

  /** One plan per trainable tensor that holds a member slice of some group. */
  static ImmutableList<TensorPlan> of(GroupSet groupSet) {
    Map<String, Builder> byTensor = new LinkedHashMap<>();
    for (Group group : groupSet.groups()) {
      for (Slice slice : group.trainableMembers()) {
        Builder builder = byTensor.computeIfAbsent(slice.layer() + "\u0000" + slice.parameter(),
            k -> new Builder(slice));
        for (int i = slice.start(); i < slice.end(); i++) {
          builder.indices.add(i);
          builder.groups.add(group.id());
        }
      }
    }
    return byTensor.values().stream().map(Builder::build)
        .collect(ImmutableList.toImmutableList());
  }

  /** Whether the mask prunes any group in this tensor. */
  boolean touchesPruned(GroupMask mask) {
    for (int i = 0; i < groups.length(); i++) {
      if (!mask.isKept(groups.get(i))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Adds {@code perIndex[indices[i]]} to {@code perGroup[groups[i]]} for the groups {@code mask}
   * prunes, or for every group when {@code mask} is null.
   */
  void accumulatePruned(double[] perIndex, GroupMask mask, double[] perGroup) {
    for (int i = 0; i < indices.length(); i++) {
      int group = groups.get(i);
      if (mask == null || !mask.isKept(group)) {
        perGroup[group] += perIndex[indices.get(i)];
      }
    }
  }

  /** Per-index factors for an axis of {@code length}: the group's factor if pruned, else 1. */
  double[] factors(int length, double[] groupFactor, GroupMask mask) {
    double[] factors = new double[length];
    Arrays.fill(factors, 1.0);
    for (int i = 0; i < indices.length(); i++) {
      int group = groups.get(i);
      if (!mask.isKept(group)) {
        factors[indices.get(i)] = groupFactor[group];
      }
    }
    return factors;
  }

  private static final class Builder {
    final String layer;
    final String parameter;
    final int axis;
    final ImmutableIntArray.Builder indices = ImmutableIntArray.builder();
    final ImmutableIntArray.Builder groups = ImmutableIntArray.builder();

    Builder(Slice first) {
      this.layer = first.layer();
      this.parameter = first.parameter();
      this.axis = first.axis();
    }

    TensorPlan build() {
      return new TensorPlan(layer, parameter, axis, indices.build(), groups.build());
    }
  }

  /** Multiplies each pruned group's slices by its factor, one operation per tensor. */
  static <T> void scalePruned(List<TensorPlan> plans, TensorOps<T> ops,
      ParameterSource<T> current, GroupMask mask, double[] groupFactors) {
    for (TensorPlan plan : plans) {
      if (plan.touchesPruned(mask)) {
        T tensor = lookup(current, plan);
        int length = ops.shape(tensor)[plan.axis()];
        ops.scaleInPlace(tensor, plan.axis(), plan.factors(length, groupFactors, mask));
      }
    }
  }

  static <T> T lookup(ParameterSource<T> source, TensorPlan plan) {
    T tensor = source.get(plan.layer(), plan.parameter());
    if (tensor == null) {
      throw new IllegalArgumentException("no tensor for parameter '" + plan.parameter()
          + "' of layer '" + plan.layer() + "', which holds pruned groups");
    }
    return tensor;
  }
}
