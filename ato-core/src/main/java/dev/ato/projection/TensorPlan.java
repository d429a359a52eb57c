package dev.ato.projection;

import com.google.common.collect.ImmutableList;
import com.google.common.primitives.ImmutableIntArray;
import dev.ato.groups.Group;
import dev.ato.groups.GroupMask;
import dev.ato.groups.GroupSet;
import dev.ato.groups.Slice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the groups sit in each trainable parameter tensor: for the tensor {@code layer.parameter},
 * along {@code axis}, index {@code indices[i]} belongs to group {@code groups[i]}. Precomputed once
 * so that a projection touches each tensor with whole-tensor operations, and so that a {@link
 * ChannelLayout} can place every channel of a step's tensors.
 */
record TensorPlan(
    String layer, String parameter, int axis, ImmutableIntArray indices, ImmutableIntArray groups) {

  /** One plan per trainable tensor that holds a member slice of some group. */
  static ImmutableList<TensorPlan> of(GroupSet groupSet) {
    Map<String, Builder> byTensor = new LinkedHashMap<>();
    for (Group group : groupSet.groups()) {
      for (Slice slice : group.trainableMembers()) {
        Builder builder =
            byTensor.computeIfAbsent(
                slice.layer() + "\u0000" + slice.parameter(), k -> new Builder(slice));
        for (int i = slice.start(); i < slice.end(); i++) {
          builder.indices.add(i);
          builder.groups.add(group.id());
        }
      }
    }
    return byTensor.values().stream().map(Builder::build).collect(ImmutableList.toImmutableList());
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

  /** The tensors of {@code plans}, in their order. */
  static <T> List<T> lookupAll(ParameterSource<T> source, List<TensorPlan> plans) {
    List<T> tensors = new ArrayList<>(plans.size());
    for (TensorPlan plan : plans) {
      tensors.add(lookup(source, plan));
    }
    return tensors;
  }

  static <T> T lookup(ParameterSource<T> source, TensorPlan plan) {
    T tensor = source.get(plan.layer(), plan.parameter());
    if (tensor == null) {
      throw new IllegalArgumentException(
          "no tensor for parameter '"
              + plan.parameter()
              + "' of layer '"
              + plan.layer()
              + "', which holds pruned groups");
    }
    return tensor;
  }
}
