package dev.ato.djl.controller;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.recurrent.GRU;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A one-layer bidirectional GRU with biases, made of two unidirectional DJL {@link GRU}s: the
 * second reads the sequence time-reversed and its output is reversed back, so that position {@code
 * t} of the output is {@code [forward state after 0..t, backward state after T-1..t]}. Input and
 * output are batch-first, {@code [batch, time, features]} to {@code [batch, time, 2 * stateSize]}.
 *
 * <p>Why not {@code GRU.builder().optBidirectional(true)}: with biases, DJL 0.35.1 registers the
 * parameters as both directions' weights, then both directions' biases, while libtorch expects them
 * direction by direction (weights, then biases). libtorch then reads the backward weight as the
 * forward bias and the first forward pass fails with a size mismatch ("The expanded size of the
 * tensor (12) must match the existing size (3)" for hidden 4, input 3). A unidirectional GRU's
 * order is what libtorch expects. {@code BidirectionalGruTest} keeps a check of the engine's
 * failure, so an upgrade that fixes it shows.
 */
final class BidirectionalGru extends AbstractBlock {

  private static final byte VERSION = 1;

  private final int stateSize;
  private final GRU forwardGru;
  private final GRU backwardGru;

  BidirectionalGru(int stateSize) {
    super(VERSION);
    this.stateSize = stateSize;
    forwardGru = addChildBlock("forward", unidirectional(stateSize));
    backwardGru = addChildBlock("backward", unidirectional(stateSize));
  }

  private static GRU unidirectional(int stateSize) {
    return GRU.builder()
        .setStateSize(stateSize)
        .setNumLayers(1)
        .optBatchFirst(true)
        .optHasBiases(true)
        .build();
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    NDArray sequence = inputs.singletonOrThrow();
    NDArray forwardStates =
        forwardGru
            .forward(parameterStore, new NDList(sequence), training, params)
            .singletonOrThrow();
    NDArray backwardStates =
        backwardGru
            .forward(parameterStore, new NDList(sequence.flip(1)), training, params)
            .singletonOrThrow()
            .flip(1);
    return new NDList(forwardStates.concat(backwardStates, 2));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape input = inputShapes[0];
    return new Shape[] {new Shape(input.get(0), input.get(1), 2L * stateSize)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    forwardGru.initialize(manager, dataType, inputShapes);
    backwardGru.initialize(manager, dataType, inputShapes);
  }
}
