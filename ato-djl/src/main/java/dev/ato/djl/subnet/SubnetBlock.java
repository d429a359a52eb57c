package dev.ato.djl.subnet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import com.google.common.collect.ImmutableMap;
import dev.ato.djl.graph.Functions;
import dev.ato.graph.ChannelGraph;
import dev.ato.graph.ChannelShape;
import dev.ato.graph.Layer;
import dev.ato.graph.Node;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A network built from a {@link SubnetSpec}: ordinary DJL {@link Conv2d}, {@link BatchNorm} and
 * {@link Linear} blocks for the layers with parameters, DJL operations for the rest, run in the
 * description's order. It is what ato hands back as the compressed model, and it can be rebuilt
 * from its description alone, so loading it needs neither the original model nor ato's training
 * code.
 */
public final class SubnetBlock extends AbstractBlock {

  private static final byte VERSION = 1;

  private final SubnetSpec spec;
  private final ChannelGraph graph;
  private final ImmutableMap<String, Block> layers;

  /**
   * Builds the blocks {@code spec} describes; parameters are set by {@code initialize} and then by
   * copying or loading.
   *
   * @throws IllegalArgumentException when the description is inconsistent
   */
  public SubnetBlock(SubnetSpec spec) {
    this(spec, Map.of());
  }

  /**
   * Builds the blocks {@code spec} describes, using {@code opaque} for its opaque layers: those
   * blocks are the original model's, shared, not copied.
   */
  SubnetBlock(SubnetSpec spec, Map<String, Block> opaque) {
    super(VERSION);
    this.spec = spec;
    this.graph = spec.toGraph();
    Map<String, Block> blocks = new LinkedHashMap<>();
    for (Node node : graph.nodes()) {
      node.layer()
          .accept(new LayerBlocks(node, spec, opaque))
          .ifPresent(block -> blocks.put(node.name(), addChildBlock(node.name(), block)));
    }
    this.layers = ImmutableMap.copyOf(blocks);
  }

  /** The description this block was built from. */
  public SubnetSpec spec() {
    return spec;
  }

  /** The block's channel-flow graph. */
  public ChannelGraph graph() {
    return graph;
  }

  /** The DJL block of layer {@code layer}, for layers with parameters. */
  public Block layer(String layer) {
    Block block = layers.get(layer);
    if (block == null) {
      throw new IllegalArgumentException(
          "the compressed network has no layer with parameters " + "called '" + layer + "'");
    }
    return block;
  }

  /** Whether the network holds opaque layers, which its description cannot rebuild. */
  public boolean hasOpaqueLayers() {
    return graph.nodes().stream().anyMatch(n -> n.layer() instanceof Layer.Opaque);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    Map<String, NDArray> values = new HashMap<>();
    for (Node node : graph.nodes()) {
      values.put(
          node.name(), node.layer().accept(new Compute(node, values, inputs, store, training)));
    }
    NDList outputs = new NDList();
    graph.outputs().forEach(o -> outputs.add(values.get(o)));
    return outputs;
  }

  /** One layer's output in a forward pass, from the outputs of the layers before it. */
  private final class Compute implements Layer.Visitor<NDArray> {
    private final Node node;
    private final Map<String, NDArray> values;
    private final NDList inputs;
    private final ParameterStore store;
    private final boolean training;

    Compute(
        Node node,
        Map<String, NDArray> values,
        NDList inputs,
        ParameterStore store,
        boolean training) {
      this.node = node;
      this.values = values;
      this.inputs = inputs;
      this.store = store;
      this.training = training;
    }

    @Override
    public NDArray visitInput(Layer.Input layer) {
      return inputs.get(0);
    }

    @Override
    public NDArray visitConv2d(Layer.Conv2d layer) {
      return runBlock(Functions.asFeatureMap(first()));
    }

    @Override
    public NDArray visitBatchNorm(Layer.BatchNorm layer) {
      return runBlock(first());
    }

    @Override
    public NDArray visitLinear(Layer.Linear layer) {
      return runBlock(Functions.asFeatures(first()));
    }

    @Override
    public NDArray visitOpaque(Layer.Opaque layer) {
      return runBlock(first());
    }

    @Override
    public NDArray visitActivation(Layer.Activation layer) {
      return Functions.apply(layer, first());
    }

    @Override
    public NDArray visitPool2d(Layer.Pool2d layer) {
      return Functions.apply(layer, first());
    }

    @Override
    public NDArray visitGlobalPool(Layer.GlobalPool layer) {
      return Functions.apply(layer, first());
    }

    @Override
    public NDArray visitFlatten(Layer.Flatten layer) {
      return Functions.apply(layer, first());
    }

    @Override
    public NDArray visitIdentity(Layer.Identity layer) {
      return Functions.apply(layer, first());
    }

    @Override
    public NDArray visitAdd(Layer.Add layer) {
      return NDArrays.add(all());
    }

    @Override
    public NDArray visitConcat(Layer.Concat layer) {
      return NDArrays.concat(new NDList(all()), 1);
    }

    private NDArray first() {
      return values.get(node.inputs().get(0));
    }

    private NDArray[] all() {
      return node.inputs().stream().map(values::get).toArray(NDArray[]::new);
    }

    private NDArray runBlock(NDArray in) {
      return layers.get(node.name()).forward(store, new NDList(in), training).singletonOrThrow();
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Map<String, Shape> shapes = runtimeShapes(inputShapes[0].get(0));
    return graph.outputs().stream().map(shapes::get).toArray(Shape[]::new);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Map<String, Shape> shapes = runtimeShapes(inputShapes[0].get(0));
    for (Map.Entry<String, Block> entry : layers.entrySet()) {
      Node node = graph.node(entry.getKey());
      if (node.layer() instanceof Layer.Opaque) {
        continue; // the original model's block, initialised already
      }
      Shape in = shapes.get(node.inputs().get(0));
      if (node.layer() instanceof Layer.Linear) {
        in = new Shape(in.get(0), node.input().channels() * (long) node.input().spatialSize());
      } else if (node.layer() instanceof Layer.Conv2d && in.dimension() == 2) {
        in = new Shape(in.get(0), in.get(1), 1, 1);
      }
      entry.getValue().initialize(manager, dataType, in);
    }
  }

  /**
   * The array shape each layer gives for a batch of {@code batch}: the graph's shape, with DJL's
   * conventions for what is 2-D (global pooling, flatten, linear).
   */
  private Map<String, Shape> runtimeShapes(long batch) {
    Map<String, Shape> shapes = new HashMap<>();
    for (Node node : graph.nodes()) {
      shapes.put(node.name(), node.layer().accept(new RuntimeShape(node, batch, shapes)));
    }
    return shapes;
  }

  /** The array shape of one layer's output, given those of the layers before it. */
  private static final class RuntimeShape implements Layer.Visitor<Shape> {
    private final Node node;
    private final long batch;
    private final Map<String, Shape> shapes;

    RuntimeShape(Node node, long batch, Map<String, Shape> shapes) {
      this.node = node;
      this.batch = batch;
      this.shapes = shapes;
    }

    @Override
    public Shape visitInput(Layer.Input layer) {
      return node.output().flat() ? features() : map();
    }

    @Override
    public Shape visitConv2d(Layer.Conv2d layer) {
      return map();
    }

    @Override
    public Shape visitPool2d(Layer.Pool2d layer) {
      return map();
    }

    @Override
    public Shape visitOpaque(Layer.Opaque layer) {
      return node.output().flat() ? features() : map();
    }

    @Override
    public Shape visitGlobalPool(Layer.GlobalPool layer) {
      return features();
    }

    @Override
    public Shape visitFlatten(Layer.Flatten layer) {
      return features();
    }

    @Override
    public Shape visitLinear(Layer.Linear layer) {
      return features();
    }

    @Override
    public Shape visitBatchNorm(Layer.BatchNorm layer) {
      return likeInput();
    }

    @Override
    public Shape visitActivation(Layer.Activation layer) {
      return likeInput();
    }

    @Override
    public Shape visitAdd(Layer.Add layer) {
      return likeInput();
    }

    @Override
    public Shape visitConcat(Layer.Concat layer) {
      return likeInput();
    }

    @Override
    public Shape visitIdentity(Layer.Identity layer) {
      return likeInput();
    }

    private Shape map() {
      ChannelShape out = node.output();
      return new Shape(batch, out.channels(), out.height(), out.width());
    }

    private Shape features() {
      return new Shape(batch, node.output().channels());
    }

    /** Layers that keep their input's layout: a [N, C] input stays [N, C]. */
    private Shape likeInput() {
      return shapes.get(node.inputs().get(0)).dimension() == 2 ? features() : map();
    }
  }

  @Override
  public String toString() {
    return "SubnetBlock '" + graph.name() + "' (" + graph.nodes().size() + " layers)";
  }
}
