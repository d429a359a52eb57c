package dev.ato.djl.groups;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.google.common.collect.ImmutableList;
import dev.ato.djl.engine.NoGrad;
import dev.ato.djl.graph.ModelGraph;
import dev.ato.djl.tensor.InPlace;
import dev.ato.djl.tensor.RandomArrays;
import dev.ato.groups.ChannelSpan;
import dev.ato.groups.Group;
import dev.ato.groups.GroupSet;
import dev.ato.groups.Slice;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * Checks on the real model that a group is zero-invariant: zero the group's trainable parameters,
 * run a random input in inference mode, and confirm that every channel the group claims ({@link
 * Group#zeroChannels()}) is zero. Each group is checked on its own, so one group cannot hide
 * another's mistake. The model's parameters are restored afterwards.
 */
public final class ZeroInvarianceCheck {

  /** Largest absolute value still taken for zero: zeroed channels should be exactly 0. */
  private static final float TOLERANCE = 1e-6f;

  private ZeroInvarianceCheck() {}

  /**
   * A claimed-zero channel that was not zero.
   *
   * @param group the group's id
   * @param groupName the group's name
   * @param layer the layer whose output was checked
   * @param channel the channel (or feature) that was not zero
   * @param maxAbs the largest absolute value found in it
   */
  public record Violation(int group, String groupName, String layer, int channel, float maxAbs) {
    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "group %d '%s': %s[%d] is %.3g, not 0",
          group,
          groupName,
          layer,
          channel,
          maxAbs);
    }
  }

  /**
   * Checks the listed groups one by one on a random input of {@code batch} samples.
   *
   * @return the violations, empty when every group is zero-invariant
   */
  public static ImmutableList<Violation> check(
      ModelGraph model, GroupSet groups, List<Integer> groupIds, int batch, long seed) {
    checkArgument(
        model.graph().name().equals(groups.graphName()),
        "the groups were found in graph '%s', not in '%s'",
        groups.graphName(),
        model.graph().name());
    checkArgument(batch >= 1, "the batch must hold at least 1 sample, found %s", batch);
    ImmutableList.Builder<Violation> violations = ImmutableList.builder();
    NDManager owner = model.parameter(anyLayer(groups, groupIds), "weight").getArray().getManager();
    try (NDManager manager = owner.newSubManager();
        NoGrad ignored = NoGrad.enter()) {
      NDArray input =
          RandomArrays.gaussian(
              manager, batchShape(model.inputShape(), batch), 1, new SplittableRandom(seed));
      ParameterStore store = new ParameterStore(manager, false);
      for (int id : groupIds) {
        violations.addAll(checkOne(model, groups.group(id), input, store));
      }
    }
    return violations.build();
  }

  private static List<Violation> checkOne(
      ModelGraph model, Group group, NDArray input, ParameterStore store) {
    Map<String, float[]> saved = new LinkedHashMap<>();
    try {
      zero(model, group, saved);
      Set<String> watched =
          group.zeroChannels().stream().map(ChannelSpan::layer).collect(Collectors.toSet());
      Map<String, NDArray> outputs = new HashMap<>();
      model.forwardWatched(
          store,
          new NDList(input),
          false,
          (layer, output) -> {
            if (watched.contains(layer)) {
              outputs.put(layer, output);
            }
          });
      ImmutableList.Builder<Violation> found = ImmutableList.builder();
      for (ChannelSpan span : group.zeroChannels()) {
        NDArray output = outputs.get(span.layer());
        for (int c = span.start(); c < span.start() + span.length(); c++) {
          float maxAbs = output.get(new NDIndex(":, {}", c)).abs().max().getFloat();
          if (maxAbs > TOLERANCE) {
            found.add(new Violation(group.id(), group.name(), span.layer(), c, maxAbs));
          }
        }
      }
      return found.build();
    } finally {
      saved.forEach(
          (key, copy) -> {
            int separator = key.indexOf('\u0000');
            InPlace.copy(
                copy,
                model
                    .parameter(key.substring(0, separator), key.substring(separator + 1))
                    .getArray());
          });
    }
  }

  private static void zero(ModelGraph model, Group group, Map<String, float[]> saved) {
    for (Slice slice : group.trainableMembers()) {
      saved.computeIfAbsent(
          slice.layer() + "\u0000" + slice.parameter(),
          k -> model.parameter(slice.layer(), slice.parameter()).getArray().toFloatArray());
    }
    GroupZeroing.zeroInPlace(model, List.of(group));
  }

  private static String anyLayer(GroupSet groups, List<Integer> groupIds) {
    checkArgument(!groupIds.isEmpty(), "name at least one group to check");
    for (int id : groupIds) {
      checkArgument(
          id >= 0 && id < groups.size(),
          "group %s does not exist; there are %s",
          id,
          groups.size());
    }
    return groups.group(groupIds.get(0)).producers().iterator().next();
  }

  private static Shape batchShape(Shape input, int batch) {
    return new Shape(batch).addAll(input.slice(1));
  }
}
