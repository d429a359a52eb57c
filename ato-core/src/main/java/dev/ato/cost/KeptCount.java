package dev.ato.cost;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.primitives.ImmutableIntArray;
import dev.ato.groups.GroupSet;
import java.util.TreeMap;

/**
 * How many channels of one tensor axis survive a mask: {@code fixed + sum_i multiplicity[i] *
 * keep[group[i]]}. {@code fixed} counts the channels no group can remove; a group appears with a
 * multiplicity above 1 when it spreads over several features (a flattened channel).
 *
 * @param fixed channels that always stay
 * @param groups ids of the groups on the axis, ascending
 * @param multiplicities how many of the axis's indices each of those groups holds
 */
public record KeptCount(int fixed, ImmutableIntArray groups, ImmutableIntArray multiplicities) {

  /** An axis that no mask changes, of size {@code size}. */
  public static KeptCount constant(int size) {
    return new KeptCount(size, ImmutableIntArray.of(), ImmutableIntArray.of());
  }

  /** The count for an axis whose index {@code k} belongs to group {@code channelGroups[k]}. */
  public static KeptCount of(ImmutableIntArray channelGroups) {
    int fixed = 0;
    TreeMap<Integer, Integer> counts = new TreeMap<>();
    for (int k = 0; k < channelGroups.length(); k++) {
      int group = channelGroups.get(k);
      if (group == GroupSet.UNPRUNABLE) {
        fixed++;
      } else {
        counts.merge(group, 1, Integer::sum);
      }
    }
    return new KeptCount(
        fixed,
        ImmutableIntArray.copyOf(counts.keySet()),
        ImmutableIntArray.copyOf(counts.values()));
  }

  public KeptCount {
    checkArgument(
        groups.length() == multiplicities.length(),
        "one multiplicity per group: %s groups, %s multiplicities",
        groups.length(),
        multiplicities.length());
  }

  /** The count when every group is kept. */
  public int full() {
    int total = fixed;
    for (int i = 0; i < multiplicities.length(); i++) {
      total += multiplicities.get(i);
    }
    return total;
  }

  /** The count under a keep vector (1 kept, 0 pruned, or anything between for a soft mask). */
  public double evaluate(double[] keep) {
    double total = fixed;
    for (int i = 0; i < groups.length(); i++) {
      total += multiplicities.get(i) * keep[groups.get(i)];
    }
    return total;
  }

  /** Whether any group can change the count. */
  public boolean dependsOnGroups() {
    return !groups.isEmpty();
  }
}
