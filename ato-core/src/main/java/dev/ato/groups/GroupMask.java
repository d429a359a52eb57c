package dev.ato.groups;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkElementIndex;

import java.util.BitSet;

/** Which groups are kept (1) and which are pruned (0): the controller's hard mask. Immutable. */
public final class GroupMask {

  private final int size;
  private final BitSet kept;

  private GroupMask(int size, BitSet kept) {
    this.size = size;
    this.kept = kept;
  }

  /** A mask of {@code size} groups that keeps all of them. */
  public static GroupMask allKept(int size) {
    checkArgument(size >= 0, "a mask cannot have %s groups", size);
    BitSet bits = new BitSet(size);
    bits.set(0, size);
    return new GroupMask(size, bits);
  }

  /** A mask keeping group {@code i} where {@code keep[i]} is true. */
  public static GroupMask of(boolean... keep) {
    BitSet bits = new BitSet(keep.length);
    for (int i = 0; i < keep.length; i++) {
      bits.set(i, keep[i]);
    }
    return new GroupMask(keep.length, bits);
  }

  /** Number of groups the mask covers. */
  public int size() {
    return size;
  }

  /** Whether group {@code group} is kept. */
  public boolean isKept(int group) {
    checkElementIndex(group, size, "group");
    return kept.get(group);
  }

  /** Number of pruned groups. */
  public int prunedCount() {
    return size - kept.cardinality();
  }

  /** Number of pruned groups among {@code start .. start + length - 1}. */
  public int prunedCount(int start, int length) {
    checkArgument(
        start >= 0 && length >= 0 && start + length <= size,
        "range %s..%s is outside a mask of %s groups",
        start,
        start + length - 1,
        size);
    return length - kept.get(start, start + length).cardinality();
  }

  /** The mask as 1.0 (kept) and 0.0 (pruned), the form the cost model takes. */
  public double[] toKeepVector() {
    double[] keep = new double[size];
    for (int i = kept.nextSetBit(0); i >= 0; i = kept.nextSetBit(i + 1)) {
      keep[i] = 1.0;
    }
    return keep;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GroupMask other && other.size == size && other.kept.equals(kept);
  }

  @Override
  public int hashCode() {
    return 31 * size + kept.hashCode();
  }

  @Override
  public String toString() {
    StringBuilder bits = new StringBuilder();
    for (int i = 0; i < Math.min(size, 64); i++) {
      bits.append(kept.get(i) ? '1' : '0');
    }
    return "GroupMask("
        + (size - prunedCount())
        + "/"
        + size
        + " kept: "
        + bits
        + (size > 64 ? "..." : "")
        + ")";
  }
}
