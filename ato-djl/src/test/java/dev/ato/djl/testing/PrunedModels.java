package dev.ato.djl.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.ato.djl.engine.NoGrad;
import dev.ato.djl.graph.ModelGraph;
import dev.ato.djl.graph.ModelReader;
import dev.ato.djl.subnet.CompressedModel;
import dev.ato.djl.tensor.NDArrayOps;
import dev.ato.groups.Group;
import dev.ato.groups.GroupMask;
import dev.ato.groups.GroupOptions;
import dev.ato.groups.GroupSet;
import dev.ato.groups.Slice;
import dev.ato.groups.ZeroInvariantGroups;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Models pruned by random masks, as ATO leaves them: pruned groups at zero, then cut. */
public final class PrunedModels {

  private PrunedModels() {}

  /** A mask keeping each of {@code size} groups with probability 1/2, from {@code seed}. */
  public static GroupMask randomMask(int size, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    boolean[] keep = new boolean[size];
    for (int i = 0; i < size; i++) {
      keep[i] = random.nextBoolean();
    }
    return GroupMask.of(keep);
  }

  /** Zeroes the trainable slices of the pruned groups; returns every parameter's old values. */
  public static float[][] zeroPruned(ModelGraph model, GroupSet groups, GroupMask mask) {
    var parameters = model.block().getParameters();
    float[][] saved = new float[parameters.size()][];
    for (int i = 0; i < saved.length; i++) {
      saved[i] = parameters.valueAt(i).getArray().toFloatArray();
    }
    // In-place edits of parameters need grad mode off, which DJL sets only on the thread that
    // started the engine.
    try (NoGrad ignored = NoGrad.enter()) {
      for (Group group : groups.groups()) {
        if (mask.isKept(group.id())) {
          continue;
        }
        for (Slice slice : group.trainableMembers()) {
          NDArray array = model.parameter(slice.layer(), slice.parameter()).getArray();
          double[] factors = new double[Math.toIntExact(array.getShape().get(slice.axis()))];
          Arrays.fill(factors, 1);
          Arrays.fill(factors, slice.start(), slice.end(), 0);
          NDArrayOps.INSTANCE.scaleInPlace(array, slice.axis(), factors);
        }
      }
    }
    return saved;
  }

  /**
   * {@code block} initialised with non-trivial weights ({@link TestModels#initialise}), read, and
   * cut by a random mask of {@code seed} with its pruned groups zeroed first; the dense block keeps
   * the zeroed weights, so that it computes what the compressed one does.
   */
  public static CompressedModel randomlyPruned(
      Block block, Shape input, long seed, GroupOptions options, NDManager manager) {
    try (NoGrad ignored = NoGrad.enter()) {
      ModelGraph model =
          ModelReader.read(TestModels.initialise(block, manager, input), input, "model");
      GroupSet groups = ZeroInvariantGroups.find(model.graph(), options);
      GroupMask mask = randomMask(groups.size(), seed);
      zeroPruned(model, groups, mask);
      return CompressedModel.compress(model, groups, mask, manager);
    }
  }

  /** {@link #randomlyPruned(Block, Shape, long, GroupOptions, NDManager)} with default groups. */
  public static CompressedModel randomlyPruned(
      Block block, Shape input, long seed, NDManager manager) {
    return randomlyPruned(block, input, seed, GroupOptions.defaults(), manager);
  }
}
