package dev.ato.djl.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.recurrent.GRU;
import ai.djl.training.ParameterStore;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The two-GRU composition is a bidirectional GRU: the forward half at position i sees positions
 * 0..i, the backward half positions i..T-1.
 */
class BidirectionalGruTest extends EngineTest {

  private static final int TIME = 5;
  private static final int FEATURES = 3;
  private static final int STATE = 4;
  private static final int PERTURBED = 2;

  @Test
  void theOutputIsBatchFirstWithBothDirectionsConcatenated() {
    BidirectionalGru gru = initialized(new BidirectionalGru(STATE));
    NDArray output = run(gru, sequence(0));
    assertThat(output.getShape()).isEqualTo(new Shape(1, TIME, 2 * STATE));
  }

  @Test
  void theForwardHalfAtPositionIDependsOnlyOnPositionsUpToI() {
    boolean[] changed = changedPositions(0);
    // Positions before the perturbed one cannot see it; it and everything after can.
    assertThat(changed).containsExactly(false, false, true, true, true);
  }

  @Test
  void theBackwardHalfAtPositionIDependsOnlyOnPositionsFromIOn() {
    boolean[] changed = changedPositions(STATE);
    assertThat(changed).containsExactly(true, true, true, false, false);
  }

  /** Documents why the composition exists; when this fails, DJL's own block may be usable. */
  @Test
  void theEnginesOwnBidirectionalGruWithBiasesFails() {
    Block gru =
        GRU.builder()
            .setStateSize(STATE)
            .setNumLayers(1)
            .optBatchFirst(true)
            .optBidirectional(true)
            .optHasBiases(true)
            .build();
    gru.initialize(manager, DataType.FLOAT32, new Shape(1, TIME, FEATURES));
    // libtorch reads the forward direction's input-hidden bias where DJL put the backward
    // direction's input-hidden weight, [3 * STATE, FEATURES] = [12, 3].
    assertThatThrownBy(() -> run(gru, sequence(0)))
        .isInstanceOf(EngineException.class)
        .hasMessageContaining("Tensor sizes: [12, 3]");
  }

  /** For each position, whether the half starting at {@code column} moved when one row did. */
  private boolean[] changedPositions(int column) {
    BidirectionalGru gru = initialized(new BidirectionalGru(STATE));
    NDArray before = run(gru, sequence(0));
    NDArray perturbed = sequence(0);
    perturbed.set(new NDIndex(0, PERTURBED), perturbed.get(0, PERTURBED).add(1f));
    NDArray after = run(gru, perturbed);
    NDIndex half = new NDIndex(":, :, {}:{}", column, column + STATE);
    float[] difference =
        after.get(half).sub(before.get(half)).abs().sum(new int[] {0, 2}).toFloatArray();
    boolean[] changed = new boolean[TIME];
    for (int t = 0; t < TIME; t++) {
      changed[t] = difference[t] > 1e-6f;
    }
    return changed;
  }

  private <B extends Block> B initialized(B block) {
    block.initialize(manager, DataType.FLOAT32, new Shape(1, TIME, FEATURES));
    return block;
  }

  private NDArray run(Block block, NDArray input) {
    return block
        .forward(new ParameterStore(manager, false), new NDList(input), false)
        .singletonOrThrow();
  }

  private NDArray sequence(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] values = new float[TIME * FEATURES];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextDouble(-1, 1);
    }
    return manager.create(values, new Shape(1, TIME, FEATURES));
  }
}
