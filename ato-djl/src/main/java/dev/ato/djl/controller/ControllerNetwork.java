package dev.ato.djl.controller;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import com.google.common.collect.ImmutableList;
import dev.ato.groups.ControllerBlock;
import dev.ato.groups.GroupSet;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * The controller network of Auto-Train-Once (Wu, Gao et al., CVPR 2024, section 3.2; spec section
 * 2): it reads one fixed embedding per controller block and writes one logit per zero-invariant
 * group, which {@link GumbelMask} turns into a keep mask.
 *
 * <pre>
 *   fixed input [n, 64]  (orthogonal, seeded, not trained)
 *   -> bidirectional GRU, hidden 128        -> [n, 256]
 *   -> LayerNorm(256) -> ReLU
 *   -> row i through Linear(256 -> |B_i|, no bias), i = 1..n
 *   -> concatenated logits                  -> [|G|], |G| = sum |B_i|
 * </pre>
 *
 * <p>The block takes no input: {@code forward} ignores its input list (pass an empty {@link
 * NDList}) and {@code trainer.initialize()} needs no shapes. The fixed input is a DJL {@link
 * Parameter} that does not require gradients, so it is saved and loaded with the block but never
 * updated; {@link #freezeParameters} keeps it frozen even when DJL unfreezes a loaded model for
 * training. Every value is initialised from the seed on the Java side (the fixed input
 * orthogonally, GRU and linear weights uniformly as PyTorch's defaults, LayerNorm to identity), so
 * two controllers with one seed start identical whatever the engine's random state; an initializer
 * set in a {@code TrainingConfig} replaces these.
 */
public final class ControllerNetwork extends AbstractBlock {

  private static final int EMBEDDING_SIZE = 64;
  private static final int HIDDEN_SIZE = 128;

  static final String FIXED_INPUT = "fixedInput";

  private static final byte VERSION = 1;
  private static final int FEATURES = 2 * HIDDEN_SIZE;

  private final ImmutableList<Integer> blockSizes;
  private final int groupCount;
  private final Parameter fixedInput;
  private final BidirectionalGru gru;
  private final LayerNorm layerNorm;
  private final List<Linear> heads;

  private ControllerNetwork(ImmutableList<Integer> blockSizes, long seed) {
    super(VERSION);
    this.blockSizes = blockSizes;
    this.groupCount = blockSizes.stream().mapToInt(Integer::intValue).sum();
    SplittableRandom seeds = new SplittableRandom(seed);
    int n = blockSizes.size();
    fixedInput =
        addParameter(
            Parameter.builder()
                .setName(FIXED_INPUT)
                .setType(Parameter.Type.OTHER)
                .optShape(new Shape(n, EMBEDDING_SIZE))
                .optRequiresGrad(false)
                .optInitializer(orthogonal(seeds.nextLong()))
                .build());
    gru = addChildBlock("bigru", new BidirectionalGru(HIDDEN_SIZE));
    // PyTorch's nn.GRU default, as in the authors' controller: U(-1/sqrt(hidden), 1/sqrt(hidden)).
    seedUniform(gru.getParameters().values(), 1 / Math.sqrt(HIDDEN_SIZE), seeds);
    layerNorm = addChildBlock("layerNorm", LayerNorm.builder().axis(1).build());
    heads = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Linear head =
          addChildBlock(
              "head" + i, Linear.builder().setUnits(blockSizes.get(i)).optBias(false).build());
      // PyTorch's nn.Linear default: U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
      seedUniform(head.getParameters().values(), 1 / Math.sqrt(FEATURES), seeds);
      heads.add(head);
    }
  }

  /**
   * A controller for the blocks of {@code groups}: one head per {@link ControllerBlock}, logits in
   * group order.
   */
  public static ControllerNetwork forGroups(GroupSet groups, long seed) {
    return of(groups.blocks().stream().map(ControllerBlock::size).toList(), seed);
  }

  /**
   * A controller whose block {@code i} scores {@code blockSizes.get(i)} consecutive groups.
   *
   * @throws IllegalArgumentException when the list is empty or a size is below 1
   */
  public static ControllerNetwork of(List<Integer> blockSizes, long seed) {
    checkArgument(
        !blockSizes.isEmpty(),
        "a controller network needs at least one block, found an empty list of block sizes");
    for (int i = 0; i < blockSizes.size(); i++) {
      Integer size = blockSizes.get(i);
      checkArgument(
          size != null && size >= 1,
          "every controller block scores at least one group, found size %s at block %s",
          size,
          i);
    }
    return new ControllerNetwork(ImmutableList.copyOf(blockSizes), seed);
  }

  /** The number of groups of each block, in order. */
  public ImmutableList<Integer> blockSizes() {
    return blockSizes;
  }

  /** The number of logits: {@code sum |B_i|}. */
  public int groupCount() {
    return groupCount;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    Device device = parameterStore.getManager().getDevice();
    int n = blockSizes.size();
    NDArray sequence =
        parameterStore.getValue(fixedInput, device, training).reshape(1, n, EMBEDDING_SIZE);
    NDArray states =
        gru.forward(parameterStore, new NDList(sequence), training, params)
            .singletonOrThrow()
            .reshape(n, FEATURES);
    NDArray features =
        Activation.relu(
            layerNorm
                .forward(parameterStore, new NDList(states), training, params)
                .singletonOrThrow());
    NDList logits = new NDList(n);
    for (int i = 0; i < n; i++) {
      NDArray row = features.get(new NDIndex("{}:{}", i, i + 1));
      logits.add(
          heads
              .get(i)
              .forward(parameterStore, new NDList(row), training, params)
              .singletonOrThrow());
    }
    return new NDList(NDArrays.concat(logits, 1).reshape(groupCount));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(groupCount)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    int n = blockSizes.size();
    gru.initialize(manager, dataType, new Shape(1, n, EMBEDDING_SIZE));
    layerNorm.initialize(manager, dataType, new Shape(n, FEATURES));
    for (Linear head : heads) {
      head.initialize(manager, dataType, new Shape(1, FEATURES));
    }
  }

  /** Freezes or unfreezes every trainable parameter; the fixed input stays frozen. */
  @Override
  public void freezeParameters(boolean freeze) {
    freezeParameters(freeze, p -> true);
  }

  /**
   * Freezes or unfreezes the parameters that pass {@code predicate}; the fixed input stays frozen,
   * because DJL unfreezes every parameter of a loaded model when a trainer is made for it.
   */
  @Override
  public void freezeParameters(boolean freeze, Predicate<Parameter> predicate) {
    super.freezeParameters(freeze, predicate.and(p -> p != fixedInput));
  }

  private static void seedUniform(
      List<Parameter> parameters, double bound, SplittableRandom seeds) {
    for (Parameter parameter : parameters) {
      parameter.setInitializer(uniform(bound, seeds.nextLong()));
    }
  }

  private static Initializer uniform(double bound, long seed) {
    return (manager, shape, dataType) -> {
      SplittableRandom random = new SplittableRandom(seed);
      float[] values = new float[Math.toIntExact(shape.size())];
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) random.nextDouble(-bound, bound);
      }
      return manager.create(values, shape).toType(dataType, false);
    };
  }

  /**
   * A Gaussian matrix made orthonormal by Gram-Schmidt along its shorter side: the rows when {@code
   * rows <= columns}, else the columns (as PyTorch's {@code orthogonal_}, which the authors use,
   * only up to the Gaussian draws).
   */
  private static Initializer orthogonal(long seed) {
    return (manager, shape, dataType) -> {
      int rows = Math.toIntExact(shape.get(0));
      int columns = Math.toIntExact(shape.get(1));
      boolean byRows = rows <= columns;
      int count = byRows ? rows : columns;
      int length = byRows ? columns : rows;
      double[][] vectors = new double[count][length];
      SplittableRandom random = new SplittableRandom(seed);
      for (double[] vector : vectors) {
        for (int k = 0; k < length; k++) {
          vector[k] = random.nextGaussian();
        }
      }
      orthonormalize(vectors);
      float[] values = new float[rows * columns];
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < columns; c++) {
          values[r * columns + c] = (float) (byRows ? vectors[r][c] : vectors[c][r]);
        }
      }
      return manager.create(values, shape).toType(dataType, false);
    };
  }

  /** Modified Gram-Schmidt; Gaussian vectors fewer than their length are independent a.s. */
  private static void orthonormalize(double[][] vectors) {
    for (int i = 0; i < vectors.length; i++) {
      double[] v = vectors[i];
      for (int j = 0; j < i; j++) {
        double dot = 0;
        for (int k = 0; k < v.length; k++) {
          dot += v[k] * vectors[j][k];
        }
        for (int k = 0; k < v.length; k++) {
          v[k] -= dot * vectors[j][k];
        }
      }
      double norm = 0;
      for (double x : v) {
        norm += x * x;
      }
      norm = Math.sqrt(norm);
      for (int k = 0; k < v.length; k++) {
        v[k] /= norm;
      }
    }
  }
}
