package dev.ato.djl.export;

import static dev.ato.djl.export.OnnxProtos.FLOAT;
import static dev.ato.djl.export.OnnxProtos.INT64;
import static dev.ato.djl.export.OnnxProtos.floats;
import static dev.ato.djl.export.OnnxProtos.integer;
import static dev.ato.djl.export.OnnxProtos.ints;
import static dev.ato.djl.export.OnnxProtos.longs;
import static dev.ato.djl.export.OnnxProtos.real;
import static dev.ato.djl.export.OnnxProtos.tensor;
import static dev.ato.djl.export.OnnxProtos.valueInfo;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.ato.djl.graph.BatchNormSettings;
import dev.ato.djl.subnet.SubnetSpec;
import dev.ato.graph.ChannelGraph;
import dev.ato.graph.ChannelShape;
import dev.ato.graph.Layer;
import dev.ato.graph.Node;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Writes a network description as an ONNX graph at opset 13: one or a few ONNX operators per layer,
 * the parameters as initializers, a dynamic batch dimension.
 *
 * <p>The graph computes exactly what {@code SubnetBlock} computes, DJL's layout conventions
 * included: global pooling, flatten and linear layers give {@code [N, C]}; a layer that needs a
 * feature map reads such an array as {@code [N, C, 1, 1]}, and a linear layer reads a {@code [N, C,
 * 1, 1]} map as {@code [N, C]}. Average pooling counts the padding, as DJL's PyTorch engine always
 * does ({@code count_include_pad = 1}; ONNX's default is 0).
 */
final class OnnxGraphWriter implements Layer.Visitor<Void> {

  /** The name of the graph's input. */
  static final String INPUT = "input";

  /** The name of the graph's output, or the prefix of its outputs' names when it has several. */
  static final String OUTPUT = "output";

  /** The symbolic name of the batch dimension. */
  static final String BATCH = "batch";

  private final SubnetSpec spec;
  private final ChannelGraph graph;
  private final BiFunction<String, String, float[]> values;
  final GraphProto.Builder proto = GraphProto.newBuilder();

  /** The ONNX value that holds each layer's output. */
  private final Map<String, String> valueOf = new HashMap<>();

  /** Whether each ONNX value is a {@code [N, C]} array (else {@code [N, C, H, W]}). */
  final Map<String, Boolean> flat = new HashMap<>();

  private Node node;

  private OnnxGraphWriter(
      SubnetSpec spec, ChannelGraph graph, BiFunction<String, String, float[]> values) {
    this.spec = spec;
    this.graph = graph;
    this.values = values;
  }

  /**
   * The ONNX graph of {@code spec}, whose channel-flow graph is {@code graph} and whose parameters
   * {@code values} gives as {@code (layer, parameter) -> values}, row-major.
   *
   * @throws IllegalArgumentException naming the layer and its path when a layer cannot be exported
   */
  static GraphProto write(
      SubnetSpec spec, ChannelGraph graph, BiFunction<String, String, float[]> values) {
    return new OnnxGraphWriter(spec, graph, values).write();
  }

  private GraphProto write() {
    proto.setName(spec.name());
    List<String> outputs = List.copyOf(graph.outputs());
    for (Node current : graph.nodes()) {
      node = current;
      String value =
          outputs.contains(current.name())
              ? outputName(outputs, current.name())
              : current.layer() instanceof Layer.Input ? INPUT : current.name();
      valueOf.put(current.name(), value);
      current.layer().accept(this);
    }
    for (String output : outputs) {
      proto.addOutput(
          valueInfo(
              valueOf.get(output), graph.node(output).output(), flat.get(valueOf.get(output))));
    }
    return proto.build();
  }

  private static String outputName(List<String> outputs, String layer) {
    return outputs.size() == 1 ? OUTPUT : OUTPUT + outputs.indexOf(layer);
  }

  @Override
  public Void visitInput(Layer.Input layer) {
    ChannelShape shape = layer.shape();
    proto.addInput(valueInfo(INPUT, shape, shape.flat()));
    flat.put(INPUT, shape.flat());
    if (!valueOf.get(node.name()).equals(INPUT)) {
      // The input is an output too, which ONNX must name differently.
      proto.addNode(op("Identity", List.of(INPUT), output(shape.flat())));
    }
    return null;
  }

  @Override
  public Void visitConv2d(Layer.Conv2d conv) {
    String in = asFeatureMap(input(0));
    String weight =
        parameter(
            "weight",
            conv.filters(),
            node.input().channels() / conv.groups(),
            conv.kernelH(),
            conv.kernelW());
    List<String> inputs =
        conv.bias() ? List.of(in, weight, parameter("bias", conv.filters())) : List.of(in, weight);
    NodeProto.Builder op = op("Conv", inputs, output(false));
    op.addAttribute(ints("kernel_shape", conv.kernelH(), conv.kernelW()));
    op.addAttribute(ints("strides", conv.strideH(), conv.strideW()));
    op.addAttribute(ints("pads", conv.padH(), conv.padW(), conv.padH(), conv.padW()));
    op.addAttribute(ints("dilations", conv.dilationH(), conv.dilationW()));
    op.addAttribute(integer("group", conv.groups()));
    proto.addNode(op);
    return null;
  }

  @Override
  public Void visitBatchNorm(Layer.BatchNorm norm) {
    String in = input(0);
    int channels = node.output().channels();
    BatchNormSettings settings = spec.batchNorms().get(node.name());
    if (settings == null) {
      throw unexportable("its batch-norm settings are missing from the description");
    }
    NodeProto.Builder op =
        op(
            "BatchNormalization",
            List.of(
                in,
                parameter("gamma", channels),
                parameter("beta", channels),
                parameter("runningMean", channels),
                parameter("runningVar", channels)),
            output(flat.get(in)));
    op.addAttribute(real("epsilon", settings.epsilon()));
    proto.addNode(op);
    return null;
  }

  @Override
  public Void visitLinear(Layer.Linear linear) {
    String in = asFeatures(input(0));
    int features = node.input().channels() * node.input().spatialSize();
    String weight = parameter("weight", linear.units(), features);
    List<String> inputs =
        linear.bias()
            ? List.of(in, weight, parameter("bias", linear.units()))
            : List.of(in, weight);
    NodeProto.Builder op = op("Gemm", inputs, output(true));
    op.addAttribute(integer("transB", 1));
    proto.addNode(op);
    return null;
  }

  @Override
  public Void visitActivation(Layer.Activation layer) {
    new OnnxActivations(this).emit(layer);
    return null;
  }

  @Override
  public Void visitPool2d(Layer.Pool2d pool) {
    new OnnxPooling(this, node).pool(pool);
    return null;
  }

  /** A float constant of this layer. */
  String floatConstant(String name, float[] values, long... dims) {
    return initializer(node.name() + "/" + name, FLOAT, floats(values), dims);
  }

  /** A 1-D int64 constant of this layer. */
  String longConstant(String name, long... values) {
    return initializer(node.name() + "/" + name, INT64, longs(values), values.length);
  }

  @Override
  public Void visitGlobalPool(Layer.GlobalPool pool) {
    String in = asFeatureMap(input(0));
    String pooled =
        step(
            pool.pool() == Layer.PoolKind.MAX ? "GlobalMaxPool" : "GlobalAveragePool", List.of(in));
    proto.addNode(flatten(op("Flatten", List.of(pooled), output(true))));
    return null;
  }

  @Override
  public Void visitFlatten(Layer.Flatten layer) {
    proto.addNode(flatten(op("Flatten", List.of(input(0)), output(true))));
    return null;
  }

  /** A {@code Flatten} to {@code [N, features]}. */
  private static NodeProto.Builder flatten(NodeProto.Builder op) {
    return op.addAttribute(integer("axis", 1));
  }

  @Override
  public Void visitAdd(Layer.Add layer) {
    List<String> inputs = inputs();
    emit(inputs.size() == 2 ? "Add" : "Sum", inputs, flat.get(inputs.get(0)));
    return null;
  }

  @Override
  public Void visitConcat(Layer.Concat layer) {
    List<String> inputs = inputs();
    NodeProto.Builder op = op("Concat", inputs, output(flat.get(inputs.get(0))));
    op.addAttribute(integer("axis", 1));
    proto.addNode(op);
    return null;
  }

  @Override
  public Void visitIdentity(Layer.Identity layer) {
    emit("Identity", List.of(input(0)), flat.get(input(0)));
    return null;
  }

  @Override
  public Void visitOpaque(Layer.Opaque layer) {
    throw unexportable(
        "it is a block ato reads as opaque ("
            + layer.description()
            + "), whose "
            + "computation it does not know; rewrite it with blocks ato reads (docs/own-model.md) "
            + "to export the network");
  }

  /** The ONNX value of the layer's input {@code index}; every input is emitted before. */
  String input(int index) {
    String value = valueOf.get(node.inputs().get(index));
    if (!flat.containsKey(value)) {
      throw new IllegalStateException(
          "layer '"
              + node.name()
              + "' reads '"
              + node.inputs().get(index)
              + "', which has not been written");
    }
    return value;
  }

  private List<String> inputs() {
    List<String> inputs = new ArrayList<>();
    for (int i = 0; i < node.inputs().size(); i++) {
      inputs.add(input(i));
    }
    boolean first = flat.get(inputs.get(0));
    if (inputs.stream().anyMatch(v -> flat.get(v) != first)) {
      throw unexportable("it joins [N, C] arrays with [N, C, H, W] maps");
    }
    return inputs;
  }

  /** {@code value} as a {@code [N, C, H, W]} map: unchanged, or {@code [N, C]} unsqueezed. */
  String asFeatureMap(String value) {
    if (!flat.get(value)) {
      return value;
    }
    String axes = longConstant("map_axes", 2, 3);
    return step("Unsqueeze", List.of(value, axes), false);
  }

  /** {@code value} as {@code [N, features]}: unchanged, or a map flattened. */
  private String asFeatures(String value) {
    if (flat.get(value)) {
      return value;
    }
    proto.addNode(
        flatten(
            NodeProto.newBuilder()
                .setOpType("Flatten")
                .setName(node.name() + "/features")
                .addInput(value)
                .addOutput(node.name() + "/features")));
    flat.put(node.name() + "/features", true);
    return node.name() + "/features";
  }

  /** Emits the operator that gives this layer's output. */
  void emit(String type, List<String> inputs, boolean isFlat) {
    proto.addNode(op(type, inputs, output(isFlat)));
  }

  /** Emits an intermediate operator of this layer, of the same layout as its input; its value. */
  String step(String type, List<String> inputs) {
    return step(type, inputs, flat.get(inputs.get(0)));
  }

  String step(String type, List<String> inputs, boolean isFlat) {
    String name = node.name() + "/" + type.toLowerCase(Locale.ROOT) + proto.getNodeCount();
    proto.addNode(
        NodeProto.newBuilder().setOpType(type).setName(name).addAllInput(inputs).addOutput(name));
    flat.put(name, isFlat);
    return name;
  }

  /** This layer's output value, recorded with its layout. */
  String output(boolean isFlat) {
    String value = valueOf.get(node.name());
    flat.put(value, isFlat);
    return value;
  }

  NodeProto.Builder op(String type, List<String> inputs, String output) {
    return NodeProto.newBuilder()
        .setOpType(type)
        .setName(node.name())
        .addAllInput(inputs)
        .addOutput(output);
  }

  /** The layer's parameter {@code name} as an initializer of the given dimensions. */
  private String parameter(String name, long... dims) {
    float[] data = values.apply(node.name(), name);
    long size = 1;
    for (long dim : dims) {
      size *= dim;
    }
    if (data == null || data.length != size) {
      throw unexportable(
          "its parameter '"
              + name
              + "' holds "
              + (data == null ? "nothing" : data.length + " values")
              + " where its shape needs "
              + size);
    }
    return initializer(node.name() + "." + name, FLOAT, floats(data), dims);
  }

  /** A float scalar constant of this layer. */
  String scalar(String name, float value) {
    return floatConstant(name, new float[] {value});
  }

  private String initializer(String name, int type, ByteBuffer bytes, long... dims) {
    proto.addInitializer(tensor(name, type, bytes, dims));
    return name;
  }

  IllegalArgumentException unexportable(String why) {
    return new IllegalArgumentException(
        "cannot export layer '" + node.name() + "' (" + node.layer().kind() + ") to ONNX: " + why);
  }
}
