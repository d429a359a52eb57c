package dev.ato.djl.graph;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import com.google.common.collect.ImmutableMap;
import dev.ato.graph.ChannelGraph;
import dev.ato.projection.ParameterSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * A DJL model as ato sees it: its {@link ChannelGraph}, which DJL block and parameter each graph
 * node and parameter is, and a way to run the model layer by layer. Made by {@link
 * ModelReader#read}; holds the user's blocks, never copies of them, so it always sees the current
 * parameter values.
 *
 * <p>{@link #forward} computes what the user's block computes; {@link #forwardWatched} also shows
 * each layer's output to an observer, and {@link #forwardGated} multiplies the input of every layer
 * that reads pruned channels by a gate, which is how the controller sees a candidate mask without
 * changing the model.
 */
public final class ModelGraph {

  private final Block block;
  private final Shape inputShape;
  private final ChannelGraph graph;
  private final Op root;
  private final ImmutableMap<String, Block> layerBlocks;
  private final ImmutableMap<String, BatchNormSettings> batchNorms;

  ModelGraph(
      Block block,
      Shape inputShape,
      ChannelGraph graph,
      Op root,
      ImmutableMap<String, Block> layerBlocks,
      ImmutableMap<String, BatchNormSettings> batchNorms) {
    this.block = block;
    this.inputShape = inputShape;
    this.graph = graph;
    this.root = root;
    this.layerBlocks = layerBlocks;
    this.batchNorms = batchNorms;
  }

  /** The user's block that was read. */
  public Block block() {
    return block;
  }

  /** The input shape the model was read with, batch axis first. */
  public Shape inputShape() {
    return inputShape;
  }

  /** The model's channel-flow graph; node names are the DJL block paths. */
  public ChannelGraph graph() {
    return graph;
  }

  /** The DJL block behind graph node {@code layer}, for layers with parameters. */
  public Optional<Block> layerBlock(String layer) {
    return Optional.ofNullable(layerBlocks.get(layer));
  }

  /** The settings of the batch norm at graph node {@code layer}. */
  public BatchNormSettings batchNormSettings(String layer) {
    BatchNormSettings settings = batchNorms.get(layer);
    checkArgument(settings != null, "'%s' is not a batch norm of graph '%s'", layer, graph.name());
    return settings;
  }

  /**
   * The DJL parameter {@code parameter} of graph node {@code layer}.
   *
   * @throws IllegalArgumentException when there is no such parameter
   */
  public Parameter parameter(String layer, String parameter) {
    Block owner = layerBlocks.get(layer);
    checkArgument(
        owner != null, "graph '%s' has no layer with parameters called '%s'", graph.name(), layer);
    checkArgument(
        owner.getParameters().contains(parameter),
        "layer '%s' has no parameter '%s'; it has %s",
        layer,
        parameter,
        owner.getParameters().keys());
    return owner.getParameters().get(parameter);
  }

  /** The current arrays of the model's parameters, by layer and parameter name. */
  public ParameterSource<NDArray> parameterArrays() {
    return (layer, parameter) -> parameter(layer, parameter).getArray();
  }

  /** Runs the model: the same result as the user's block. */
  public NDList forward(ParameterStore store, NDList input, boolean training) {
    return new NDList(run(root, input.singletonOrThrow(), new Run(store, training, null, null)));
  }

  /** Runs the model, showing each graph node's output to {@code observer}. */
  public NDList forwardWatched(
      ParameterStore store, NDList input, boolean training, BiConsumer<String, NDArray> observer) {
    return new NDList(
        run(root, input.singletonOrThrow(), new Run(store, training, observer, null)));
  }

  /** Runs the model with the input of each listed layer replaced by {@code gate(layer, input)}. */
  public NDList forwardGated(
      ParameterStore store,
      NDList input,
      boolean training,
      BiFunction<String, NDArray, NDArray> gate) {
    return new NDList(run(root, input.singletonOrThrow(), new Run(store, training, null, gate)));
  }

  private NDArray run(Op op, NDArray x, Run run) {
    if (op instanceof Op.Leaf leaf) {
      NDArray in = run.gate == null ? x : run.gate.apply(leaf.node(), x);
      NDArray y = leaf.block().forward(run.store, new NDList(in), run.training).singletonOrThrow();
      run.observe(leaf.node(), y);
      return y;
    }
    if (op instanceof Op.Sequence sequence) {
      NDArray y = x;
      for (Op step : sequence.steps()) {
        y = run(step, y, run);
      }
      return y;
    }
    Op.Parallel parallel = (Op.Parallel) op;
    List<NDArray> outputs = new ArrayList<>();
    for (Op branch : parallel.branches()) {
      outputs.add(run(branch, x, run));
    }
    NDArray y;
    if (parallel.join() == FunctionIdentifier.Join.CONCAT) {
      y = NDArrays.concat(new NDList(outputs.toArray(new NDArray[0])), 1);
    } else {
      y = NDArrays.add(outputs.toArray(new NDArray[0]));
    }
    run.observe(parallel.joinNode(), y);
    if (parallel.join() == FunctionIdentifier.Join.ADD_RELU) {
      y = y.getNDArrayInternal().relu();
      run.observe(parallel.reluNode(), y);
    }
    return y;
  }

  private static final class Run {
    final ParameterStore store;
    final boolean training;
    final BiConsumer<String, NDArray> observer;
    final BiFunction<String, NDArray, NDArray> gate;

    Run(
        ParameterStore store,
        boolean training,
        BiConsumer<String, NDArray> observer,
        BiFunction<String, NDArray, NDArray> gate) {
      this.store = store;
      this.training = training;
      this.observer = observer;
      this.gate = gate;
    }

    void observe(String node, NDArray output) {
      if (observer != null) {
        observer.accept(node, output);
      }
    }
  }

  @Override
  public String toString() {
    return "ModelGraph of " + graph;
  }
}
