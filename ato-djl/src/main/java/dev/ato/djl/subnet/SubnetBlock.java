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
import dev.ato.djl.graph.BatchNormSettings;
import dev.ato.djl.graph.Functions;
import dev.ato.graph.ChannelGraph;
import dev.ato.graph.ChannelShape;
import dev.ato.graph.Layer;
import dev.ato.graph.Node;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
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
   * Builds the blocks {@code spec} describes; parameters are set by {@code initialize} and then
   * by copying or loading.
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
      Block block = node.layer() instanceof Layer.Opaque ? opaqueBlock(node, opaque)
          : toBlock(node);
      if (block != null) {
        blocks.put(node.name(), addChildBlock(node.name(), block));
      }
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
      throw new IllegalArgumentException("the compressed network has no layer with parameters "
          + "called '" + layer + "'");
    }
    return block;
  }

  private static Block opaqueBlock(Node node, Map<String, Block> opaque) {
    Block block = opaque.get(node.name());
    if (block == null) {
      throw new IllegalArgumentException("layer '" + node.name() + "' is an opaque block ("
          + ((Layer.Opaque) node.layer()).description() + "), which a description alone cannot "
          + "rebuild");
    }
    return block;
  }

  /** Whether the network holds opaque layers, which its description cannot rebuild. */
  public boolean hasOpaqueLayers() {
    return graph.nodes().stream().anyMatch(n -> n.layer() instanceof Layer.Opaque);
  }

  private Block toBlock(Node node) {
    Layer layer = node.layer();
    if (layer instanceof Layer.Conv2d conv) {
      return Conv2d.builder().setFilters(conv.filters())
          .setKernelShape(new Shape(conv.kernelH(), conv.kernelW()))
          .optStride(new Shape(conv.strideH(), conv.strideW()))
          .optPadding(new Shape(conv.padH(), conv.padW()))
          .optDilation(new Shape(conv.dilationH(), conv.dilationW()))
          .optGroups(conv.groups()).optBias(conv.bias()).build();
    }
    if (layer instanceof Layer.BatchNorm) {
      BatchNormSettings settings = spec.batchNorms().get(node.name());
      if (settings == null) {
        throw new IllegalArgumentException("batch norm '" + node.name() + "' has no settings in "
            + "the description");
      }
      return BatchNorm.builder().optAxis(1).optEpsilon(settings.epsilon())
          .optMomentum(settings.momentum()).optCenter(settings.center())
          .optScale(settings.scale()).build();
    }
    if (layer instanceof Layer.Linear linear) {
      return Linear.builder().setUnits(linear.units()).optBias(linear.bias()).build();
    }
    return null;
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
      PairList<String, Object> params) {
    Map<String, NDArray> values = new HashMap<>();
    for (Node node : graph.nodes()) {
      values.put(node.name(), compute(node, values, inputs, store, training));
    }
    NDList outputs = new NDList();
    graph.outputs().forEach(o -> outputs.add(values.get(o)));
    return outputs;
  }

  private NDArray compute(Node node, Map<String, NDArray> values, NDList inputs,
      ParameterStore store, boolean training) {
    Layer layer = node.layer();
    if (layer instanceof Layer.Input) {
      return inputs.get(0);
    }
    List<String> names = node.inputs();
    NDArray x = values.get(names.get(0));
    if (layer instanceof Layer.Add) {
      return NDArrays.add(names.stream().map(values::get).toArray(NDArray[]::new));
    }
    if (layer instanceof Layer.Concat) {
      return NDArrays.concat(new NDList(names.stream().map(values::get)
          .toArray(NDArray[]::new)), 1);
    }
    Block block = layers.get(node.name());
    if (block == null) {
      return Functions.apply(layer, x);
    }
    NDArray in = layer instanceof Layer.Linear ? Functions.asFeatures(x)
        : layer instanceof Layer.Conv2d ? Functions.asFeatureMap(x) : x;
    return block.forward(store, new NDList(in), training).singletonOrThrow();
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Map<String, Shape> shapes = runtimeShapes(inputShapes[0].get(0));
    return graph.outputs().stream().map(shapes::get).toArray(Shape[]::new);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType,
      Shape... inputShapes) {
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
   * The array shape each layer gives for a batch of {@code batch}: the graph's shape, with
   * DJL's conventions for what is 2-D (global pooling, flatten, linear).
   */
  private Map<String, Shape> runtimeShapes(long batch) {
    Map<String, Shape> shapes = new HashMap<>();
    for (Node node : graph.nodes()) {
      Layer layer = node.layer();
      ChannelShape out = node.output();
      Shape shape;
      if (layer instanceof Layer.Input) {
        shape = out.flat() ? new Shape(batch, out.channels())
            : new Shape(batch, out.channels(), out.height(), out.width());
      } else if (layer instanceof Layer.Conv2d || layer instanceof Layer.Pool2d
          || layer instanceof Layer.Opaque && !out.flat()) {
        shape = new Shape(batch, out.channels(), out.height(), out.width());
      } else if (layer instanceof Layer.GlobalPool || layer instanceof Layer.Flatten
          || layer instanceof Layer.Linear || layer instanceof Layer.Opaque) {
        shape = new Shape(batch, out.channels());
      } else {
        Shape first = shapes.get(node.inputs().get(0));
        shape = first.dimension() == 2 ? new Shape(batch, out.channels())
            : new Shape(batch, out.channels(), out.height(), out.width());
      }
      shapes.put(node.name(), shape);
    }
    return shapes;
  }

  @Override
  public String toString() {
    return "SubnetBlock '" + graph.name() + "' (" + graph.nodes().size() + " layers)";
  }
}
