package dev.ato.djl.groups;

import ai.djl.ndarray.NDArray;
import dev.ato.djl.graph.ModelGraph;
import dev.ato.djl.tensor.NDArrayOps;
import dev.ato.groups.Group;
import dev.ato.groups.GroupMask;
import dev.ato.groups.GroupSet;
import dev.ato.groups.Slice;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sets groups' trainable parameters to exactly zero in a DJL model, one in-place multiply per
 * parameter tensor. Running statistics are left alone: with gamma and beta at zero a batch norm
 * gives zero whatever its statistics. Call it outside any {@code GradientCollector}.
 */
public final class GroupZeroing {

  private GroupZeroing() {}

  /** Zeroes every trainable slice of the groups of {@code groups} that {@code mask} prunes. */
  public static void zeroPruned(ModelGraph model, GroupSet groups, GroupMask mask) {
    zeroInPlace(model, groups.groups().stream().filter(g -> !mask.isKept(g.id())).toList());
  }

  /** Zeroes every trainable slice of {@code groups} in {@code model}. */
  public static void zeroInPlace(ModelGraph model, Iterable<Group> groups) {
    Map<String, List<Slice>> byTensor = new LinkedHashMap<>();
    for (Group group : groups) {
      for (Slice slice : group.trainableMembers()) {
        byTensor
            .computeIfAbsent(slice.layer() + "\u0000" + slice.parameter(), k -> new ArrayList<>())
            .add(slice);
      }
    }
    for (List<Slice> slices : byTensor.values()) {
      Slice first = slices.get(0);
      NDArray array = model.parameter(first.layer(), first.parameter()).getArray();
      double[] factors = new double[Math.toIntExact(array.getShape().get(first.axis()))];
      Arrays.fill(factors, 1);
      for (Slice slice : slices) {
        Arrays.fill(factors, slice.start(), slice.end(), 0);
      }
      NDArrayOps.INSTANCE.scaleInPlace(array, first.axis(), factors);
    }
  }
}
