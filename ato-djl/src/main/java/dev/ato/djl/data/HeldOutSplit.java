package dev.ato.djl.data;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.training.dataset.RandomAccessDataset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A data set split into the records kept for training and a held-out part, drawn from a seed. ATO
 * trains its controller on a held-out 5% of the training set.
 *
 * <p>DJL's {@code randomSplit} is not used: it draws from DJL's global random source, and its parts
 * read their parent's rows in order whenever a batch's indices are contiguous. Both parts here are
 * views made with {@code subDataset(List)}, which looks every batch up through its own index list;
 * they share the parent's arrays and sampler.
 *
 * @param train the records not held out, for training the model
 * @param heldOut the held-out records
 * @param heldOutIndices the held-out records' indices in the parent, ascending
 */
public record HeldOutSplit(
    RandomAccessDataset train, RandomAccessDataset heldOut, List<Long> heldOutIndices) {

  /**
   * Holds out {@code fraction} of {@code dataset} (rounded to the nearest record), chosen uniformly
   * by {@code seed}; both parts keep the parent's order.
   *
   * @throws IllegalArgumentException unless {@code 0 < fraction < 1} and both parts are non-empty
   */
  public static HeldOutSplit of(RandomAccessDataset dataset, double fraction, long seed) {
    int size = Math.toIntExact(dataset.size());
    checkArgument(
        fraction > 0 && fraction < 1,
        "the held-out fraction must lie strictly between 0 and 1, got %s",
        fraction);
    int heldOut = (int) Math.round(fraction * size);
    checkArgument(
        heldOut > 0 && heldOut < size,
        "holding out %s of %s records gives %s: both parts must be non-empty",
        fraction,
        size,
        heldOut);
    // A partial Fisher-Yates shuffle: the first heldOut slots become a uniform random subset.
    int[] order = new int[size];
    Arrays.setAll(order, i -> i);
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < heldOut; i++) {
      int j = i + random.nextInt(size - i);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    List<Long> heldOutIndices = sorted(order, 0, heldOut);
    return new HeldOutSplit(
        dataset.subDataset(sorted(order, heldOut, size)),
        dataset.subDataset(heldOutIndices),
        List.copyOf(heldOutIndices));
  }

  private static List<Long> sorted(int[] order, int from, int to) {
    int[] part = Arrays.copyOfRange(order, from, to);
    Arrays.sort(part);
    List<Long> indices = new ArrayList<>(part.length);
    for (int index : part) {
      indices.add((long) index);
    }
    return indices;
  }
}
