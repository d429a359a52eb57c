package dev.ato.projection;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import com.google.common.primitives.ImmutableIntArray;
import dev.ato.tensor.TensorOps;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Where the channels of some parameter tensors and their groups sit in the vectors a projection
 * computes on the engine's side, worked out on the host once for a set of tensors and reused while
 * their shapes stay the same.
 *
 * <p><b>Channels</b> are the per-index results of the tensors one after another: index {@code i}
 * along tensor {@code p}'s axis is channel {@code offset(p) + i}. <b>Slots</b> number the groups
 * with a member among them, ordered by member count (then id), so that the groups of one count form
 * a bucket whose sums are a single row sum of a {@code [groups, count]} matrix gathered from the
 * channels. Without scatter-add (DJL 0.35.1 has none), that makes per-group sums a handful of
 * engine operations whatever the number of groups; and a row sums its members in the order the
 * tensors list them, as a sequential sum would.
 *
 * <p>The engine needs two index vectors: the member channels of every slot (slot by slot), and the
 * slot of every channel (the extra slot {@link #slots()} for channels in no group, whose factor is
 * 1). They travel with the step's per-slot values in a single {@link #upload}.
 */
final class ChannelLayout {

  /**
   * One projection's upload, on the engine's side.
   *
   * @param head the step's own values, in the parts the projector asked for
   * @param positions each slot's member channels, slot by slot
   * @param channelSlots each channel's slot
   * @param <V> the engine's vector type
   */
  record Upload<V>(List<V> head, V positions, V channelSlots) {}

  private final ImmutableList<TensorPlan> plans;
  private final int[] lengths;
  private final int[] axes;
  private final int[] groupOfSlot;
  private final int[] slotOfGroup;

  /** Per bucket: its slot count, and the number of its members in {@code positions}. */
  private final int[] bucketRows;

  private final int[] bucketLengths;
  private final int positionCount;

  /** The member positions, then the channel slots, as the engine receives them. */
  private final double[] indices;

  private ChannelLayout(List<TensorPlan> plans, int[] lengths, int groupCount) {
    this.plans = ImmutableList.copyOf(plans);
    this.lengths = lengths.clone();
    this.axes = plans.stream().mapToInt(TensorPlan::axis).toArray();
    int[] offsets = new int[plans.size()];
    int channels = 0;
    for (int p = 0; p < plans.size(); p++) {
      offsets[p] = channels;
      channels += lengths[p];
    }
    int[] counts = new int[groupCount];
    int[] channelGroup = new int[channels];
    Arrays.fill(channelGroup, -1);
    for (int p = 0; p < plans.size(); p++) {
      TensorPlan plan = plans.get(p);
      for (int i = 0; i < plan.indices().length(); i++) {
        int index = plan.indices().get(i);
        int group = plan.groups().get(i);
        checkArgument(
            index < lengths[p],
            "parameter '%s' of layer '%s' has %s indices along "
                + "axis %s but group %s needs index %s",
            plan.parameter(),
            plan.layer(),
            lengths[p],
            plan.axis(),
            group,
            index);
        counts[group]++;
        // A channel listed for two groups takes the factor of the last one.
        channelGroup[offsets[p] + index] = group;
      }
    }
    int[][] members = new int[groupCount][];
    for (int g = 0; g < groupCount; g++) {
      members[g] = new int[counts[g]];
    }
    int[] filled = new int[groupCount];
    for (int p = 0; p < plans.size(); p++) {
      TensorPlan plan = plans.get(p);
      for (int i = 0; i < plan.indices().length(); i++) {
        int group = plan.groups().get(i);
        members[group][filled[group]++] = offsets[p] + plan.indices().get(i);
      }
    }
    this.groupOfSlot =
        IntStream.range(0, groupCount)
            .filter(g -> counts[g] > 0)
            .boxed()
            .sorted(Comparator.comparingInt((Integer g) -> counts[g]).thenComparingInt(g -> g))
            .mapToInt(Integer::intValue)
            .toArray();
    this.slotOfGroup = new int[groupCount];
    Arrays.fill(slotOfGroup, -1);
    int[] memberPositions = new int[Arrays.stream(counts).sum()];
    ImmutableIntArray.Builder rows = ImmutableIntArray.builder();
    ImmutableIntArray.Builder lengthsOfBuckets = ImmutableIntArray.builder();
    int at = 0;
    int bucketStart = 0;
    for (int s = 0; s < groupOfSlot.length; s++) {
      int group = groupOfSlot[s];
      slotOfGroup[group] = s;
      System.arraycopy(members[group], 0, memberPositions, at, counts[group]);
      at += counts[group];
      if (s + 1 == groupOfSlot.length || counts[groupOfSlot[s + 1]] != counts[group]) {
        lengthsOfBuckets.add(at - bucketStart);
        rows.add((at - bucketStart) / counts[group]);
        bucketStart = at;
      }
    }
    this.bucketRows = rows.build().toArray();
    this.bucketLengths = lengthsOfBuckets.build().toArray();
    this.positionCount = memberPositions.length;
    this.indices = new double[positionCount + channels];
    for (int i = 0; i < positionCount; i++) {
      indices[i] = memberPositions[i];
    }
    for (int c = 0; c < channels; c++) {
      indices[positionCount + c] =
          channelGroup[c] < 0 ? groupOfSlot.length : slotOfGroup[channelGroup[c]];
    }
  }

  /**
   * The layout of the tensors of {@code plans}, whose axes have {@code lengths} indices.
   *
   * @throws IllegalArgumentException when a tensor is too short for its plan
   */
  static ChannelLayout of(List<TensorPlan> plans, int[] lengths, int groupCount) {
    checkArgument(
        plans.size() == lengths.length, "%s plans but %s lengths", plans.size(), lengths.length);
    return new ChannelLayout(plans, lengths, groupCount);
  }

  /** Whether this is the layout of these plans and lengths. */
  boolean fits(List<TensorPlan> otherPlans, int[] otherLengths) {
    return Arrays.equals(otherLengths, lengths) && otherPlans.equals(plans);
  }

  /** The number of slots: groups with at least one member among the tensors. */
  int slots() {
    return groupOfSlot.length;
  }

  /** The group in {@code slot}. */
  int group(int slot) {
    return groupOfSlot[slot];
  }

  /** Per-group values from per-slot ones; 0 for groups without a slot. */
  double[] byGroup(double[] bySlot) {
    checkArgument(bySlot.length == slots(), "%s values for %s slots", bySlot.length, slots());
    double[] byGroup = new double[slotOfGroup.length];
    for (int s = 0; s < bySlot.length; s++) {
      byGroup[groupOfSlot[s]] = bySlot[s];
    }
    return byGroup;
  }

  /** The axis of each of the layout's tensors, in its order. */
  int[] axes() {
    return axes.clone();
  }

  /**
   * Sends {@code head} and the layout's index vectors to the engine in one copy, next to {@code
   * near}; the head comes back cut into parts of {@code headParts} values.
   */
  <T, V> Upload<V> upload(TensorOps<T, V> ops, double[] head, int[] headParts, T near) {
    checkArgument(
        Arrays.stream(headParts).sum() == head.length,
        "head parts %s do not make a head of %s values",
        Arrays.toString(headParts),
        head.length);
    double[] all = Arrays.copyOf(head, head.length + indices.length);
    System.arraycopy(indices, 0, all, head.length, indices.length);
    int[] parts = Arrays.copyOf(headParts, headParts.length + 2);
    parts[headParts.length] = positionCount;
    parts[headParts.length + 1] = indices.length - positionCount;
    List<V> uploaded = ops.split(ops.upload(all, near), parts);
    return new Upload<>(
        uploaded.subList(0, headParts.length),
        uploaded.get(headParts.length),
        uploaded.get(headParts.length + 1));
  }

  /**
   * Per-slot sums of per-channel values, as {@link TensorOps#sumOfSquares(List, int[])} gives them
   * for the layout's tensors: each slot sums its members' values.
   */
  <T, V> V slotSums(TensorOps<T, V> ops, V perChannel, Upload<V> upload) {
    V members = ops.take(perChannel, upload.positions());
    List<V> buckets = ops.split(members, bucketLengths);
    List<V> sums = new ArrayList<>(buckets.size());
    for (int b = 0; b < buckets.size(); b++) {
      sums.add(ops.rowSums(buckets.get(b), bucketRows[b]));
    }
    return sums.size() == 1 ? sums.get(0) : ops.concat(sums);
  }

  /**
   * Multiplies every channel of {@code tensors} (the layout's tensors, in its order) by its slot's
   * value in {@code slotFactors}, in place; channels in no group by {@code one}.
   */
  <T, V> void scaleInPlace(
      TensorOps<T, V> ops, List<T> tensors, V slotFactors, V one, Upload<V> upload) {
    checkArgument(
        tensors.size() == plans.size(),
        "%s tensors for a layout of %s",
        tensors.size(),
        plans.size());
    V perChannel = ops.take(ops.concat(List.of(slotFactors, one)), upload.channelSlots());
    ops.scaleInPlace(tensors, axes, perChannel);
  }
}
