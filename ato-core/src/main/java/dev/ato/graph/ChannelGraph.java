package dev.ato.graph;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableListMultimap;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The channel-flow graph of a network: which layer feeds which, and the shape and parameters of
 * each. It is what zero-invariant groups and costs are computed from, so it records exactly what
 * those need and nothing an engine would.
 *
 * <p>Nodes are kept in declaration order, which is a topological order: a layer can only read
 * layers declared before it. Immutable; build one with {@link #builder(String)}:
 *
 * <pre>{@code
 * ChannelGraph.Builder b = ChannelGraph.builder("tiny");
 * String x = b.input("data", ChannelShape.spatial(3, 32, 32));
 * x = b.add("conv", Conv2d.builder().setFilters(16).setKernelShape(3).optPadding(1).build(), x);
 * x = b.add("bn", new BatchNorm(0), x);
 * x = b.add("relu", Activation.RELU, x);
 * ChannelGraph graph = b.build();
 * }</pre>
 */
public final class ChannelGraph {

  private final String name;
  private final ImmutableMap<String, Node> nodes;
  private final ImmutableSet<String> outputs;
  private final ImmutableListMultimap<String, String> consumers;

  private ChannelGraph(
      String name, ImmutableMap<String, Node> nodes, ImmutableSet<String> outputs) {
    this.name = name;
    this.nodes = nodes;
    this.outputs = outputs;
    ImmutableListMultimap.Builder<String, String> readers = ImmutableListMultimap.builder();
    for (Node node : nodes.values()) {
      for (String input : node.inputs()) {
        readers.put(input, node.name());
      }
    }
    this.consumers = readers.build();
  }

  /** Starts a graph called {@code name} (used in messages and reports). */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** The graph's name. */
  public String name() {
    return name;
  }

  /** All nodes, in declaration (topological) order. */
  public ImmutableList<Node> nodes() {
    return nodes.values().asList();
  }

  /** The node called {@code nodeName}. */
  public Node node(String nodeName) {
    Node node = nodes.get(nodeName);
    checkArgument(node != null, "graph '%s' has no layer '%s'", name, nodeName);
    return node;
  }

  /** Whether the graph has a node called {@code nodeName}. */
  public boolean contains(String nodeName) {
    return nodes.containsKey(nodeName);
  }

  /** Names of the nodes whose outputs are the network's outputs. */
  public ImmutableSet<String> outputs() {
    return outputs;
  }

  /** Names of the nodes that read {@code nodeName}'s output, in declaration order. */
  public ImmutableList<String> consumers(String nodeName) {
    return consumers.get(nodeName);
  }

  @Override
  public String toString() {
    return "ChannelGraph '" + name + "' (" + nodes.size() + " layers, outputs " + outputs + ")";
  }

  /**
   * Declares a graph layer by layer. Each {@code add} checks the new layer against its inputs at
   * once, so a mismatch is reported at the line that causes it, naming both layers.
   */
  public static final class Builder {
    private final String name;
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Set<String> outputs = new LinkedHashSet<>();

    private Builder(String name) {
      checkArgument(!name.isBlank(), "a graph needs a name");
      this.name = name;
    }

    /** Declares a network input of the given shape; returns its name. */
    public String input(String inputName, ChannelShape shape) {
      return add(inputName, new Layer.Input(shape));
    }

    /**
     * Declares a layer reading the named inputs (declared before it); returns its name so that
     * declarations chain: {@code x = b.add("relu1", Activation.RELU, x)}.
     *
     * @throws IllegalArgumentException when the name is taken, an input is unknown, or the layer
     *     does not fit its inputs
     */
    public String add(String layerName, Layer layer, String... inputs) {
      checkArgument(layerName != null && !layerName.isBlank(), "a layer needs a name");
      checkArgument(
          !nodes.containsKey(layerName),
          "graph '%s' already has a layer '%s'; layer names must be unique",
          name,
          layerName);
      checkArgument(layer != null, "layer '%s' needs a Layer, found null", layerName);
      List<ChannelShape> shapes = new ArrayList<>();
      for (String input : inputs) {
        Node source = nodes.get(input);
        checkArgument(
            source != null,
            "layer '%s' reads '%s', which is not declared; declare layers before their readers",
            layerName,
            input);
        shapes.add(source.output());
      }
      ChannelShape output =
          layer.outputShape(new Layer.LayerInputs(layerName, Arrays.asList(inputs), shapes));
      ChannelShape input = shapes.isEmpty() ? output : shapes.get(0);
      ImmutableList<Parameter> parameters =
          layer instanceof Layer.Input ? ImmutableList.of() : layer.parameters(input);
      nodes.put(
          layerName,
          new Node(layerName, layer, ImmutableList.copyOf(inputs), input, output, parameters));
      return layerName;
    }

    /** The output shape of the declared layer {@code layerName}. */
    public ChannelShape outputShape(String layerName) {
      Node node = nodes.get(layerName);
      checkArgument(node != null, "graph '%s' has no layer '%s'", name, layerName);
      return node.output();
    }

    /**
     * Marks a layer's output as a network output. Optional: when no layer is marked, every layer
     * that nothing reads is an output.
     */
    public Builder markOutput(String layerName) {
      checkArgument(
          nodes.containsKey(layerName),
          "cannot mark '%s' as an output: graph '%s' has no such layer",
          layerName,
          name);
      outputs.add(layerName);
      return this;
    }

    /** Builds the immutable graph; may be called again after more layers are added. */
    public ChannelGraph build() {
      checkState(
          nodes.values().stream().anyMatch(n -> n.layer() instanceof Layer.Input),
          "graph '%s' has no input; declare one with input(...)",
          name);
      ImmutableSet<String> finalOutputs;
      if (outputs.isEmpty()) {
        Set<String> read = new LinkedHashSet<>();
        nodes.values().forEach(n -> read.addAll(n.inputs()));
        finalOutputs =
            nodes.keySet().stream()
                .filter(n -> !read.contains(n))
                .collect(ImmutableSet.toImmutableSet());
      } else {
        finalOutputs = ImmutableSet.copyOf(outputs);
      }
      return new ChannelGraph(name, ImmutableMap.copyOf(nodes), finalOutputs);
    }
  }
}
