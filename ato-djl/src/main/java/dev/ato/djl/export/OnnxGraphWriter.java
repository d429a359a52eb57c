package dev.ato.djl.export;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import dev.ato.djl.graph.BatchNormSettings;
import dev.ato.djl.graph.Functions;
import dev.ato.djl.subnet.SubnetSpec;
import dev.ato.graph.ChannelGraph;
import dev.ato.graph.ChannelShape;
import dev.ato.graph.Layer;
import dev.ato.graph.Node;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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

  private static final int FLOAT = TensorProto.DataType.FLOAT.getNumber();
  private static final int INT64 = TensorProto.DataType.INT64.getNumber();

  private final SubnetSpec spec;
  private final ChannelGraph graph;
  private final BiFunction<String, String, float[]> values;
  private final GraphProto.Builder proto = GraphProto.newBuilder();

  /** The ONNX value that holds each layer's output. */
  private final Map<String, String> valueOf = new HashMap<>();

  /** Whether each ONNX value is a {@code [N, C]} array (else {@code [N, C, H, W]}). */
  private final Map<String, Boolean> flat = new HashMap<>();

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
    String in = input(0);
    boolean isFlat = flat.get(in);
    String function = layer.function();
    Optional<Float> slope = Functions.leakyReluSlope(function);
    if (slope.isPresent()) {
      NodeProto.Builder op = op("LeakyRelu", List.of(in), output(isFlat));
      op.addAttribute(real("alpha", slope.get()));
      proto.addNode(op);
      return null;
    }
    switch (function) {
      case "relu" -> emit("Relu", List.of(in), isFlat);
      case "sigmoid" -> emit("Sigmoid", List.of(in), isFlat);
      case "tanh" -> emit("Tanh", List.of(in), isFlat);
      case "softplus" -> emit("Softplus", List.of(in), isFlat);
      case "selu" -> emit("Selu", List.of(in), isFlat);
      case "softsign" -> emit("Softsign", List.of(in), isFlat);
      case "elu" -> {
        NodeProto.Builder op = op("Elu", List.of(in), output(isFlat));
        op.addAttribute(real("alpha", 1f));
        proto.addNode(op);
      }
      case "relu6" -> emit("Clip", List.of(in, scalar("zero", 0f), scalar("six", 6f)), isFlat);
      case "silu" -> emit("Mul", List.of(in, step("Sigmoid", List.of(in))), isFlat);
      case "mish" -> {
        // DJL 0.35.1's mish takes log2 where Mish takes the natural log: x tanh(log2(1 + e^x)),
        // that is x tanh(softplus(x) / ln 2). The file computes what DJL computes.
        String log2 =
            step("Div", List.of(step("Softplus", List.of(in)), scalar("ln2", (float) Math.log(2))));
        emit("Mul", List.of(in, step("Tanh", List.of(log2))), isFlat);
      }
      case "gelu" -> {
        // PyTorch's exact GELU, which DJL runs: x * (1 + erf(x / sqrt 2)) / 2. ONNX has no GELU
        // operator before opset 20.
        String scaled = step("Div", List.of(in, scalar("sqrt2", (float) Math.sqrt(2))));
        String erf = step("Erf", List.of(scaled));
        String half = step("Mul", List.of(in, scalar("half", 0.5f)));
        emit("Mul", List.of(half, step("Add", List.of(erf, scalar("one", 1f)))), isFlat);
      }
      default ->
          throw unexportable(
              "the element-wise function '" + function + "' has no ONNX " + "form in ato");
    }
    return null;
  }

  @Override
  public Void visitPool2d(Layer.Pool2d pool) {
    String in = asFeatureMap(input(0));
    boolean max = pool.pool() == Layer.PoolKind.MAX;
    if (!max && pool.ceilMode()) {
      averagePoolRoundingUp(in, pool);
      return null;
    }
    NodeProto.Builder op =
        NodeProto.newBuilder()
            .setOpType(max ? "MaxPool" : "AveragePool")
            .setName(node.name())
            .addInput(in);
    op.addAttribute(ints("kernel_shape", pool.kernel(), pool.kernel()));
    op.addAttribute(ints("strides", pool.stride(), pool.stride()));
    int padding = pool.padding();
    op.addAttribute(ints("pads", padding, padding, padding, padding));
    op.addAttribute(integer("ceil_mode", pool.ceilMode() ? 1 : 0));
    if (!max) {
      // Rounding down, every window lies inside the padded input: PyTorch, which DJL's engine
      // runs counting the padding whatever it is told (docs/djl-notes.md), divides by the
      // whole window, as count_include_pad = 1 does.
      op.addAttribute(integer("count_include_pad", 1));
    }
    int height = node.output().height();
    int width = node.output().width();
    if (onnxPoolSize(node.input().height(), pool) == height
        && onnxPoolSize(node.input().width(), pool) == width) {
      proto.addNode(op.addOutput(output(false)));
      return null;
    }
    // PyTorch drops a last ceil-mode window that would start in the right-hand padding; ONNX's
    // formula keeps it. The extra row and column are cut off.
    String pooled = node.name() + "/pooled";
    proto.addNode(op.setName(pooled).addOutput(pooled));
    flat.put(pooled, false);
    proto.addNode(op("Slice", cropInputs(pooled), output(false)));
    return null;
  }

  /**
   * Average pooling whose last windows may run past the padded input, as PyTorch computes it: each
   * window's sum divided by the part of the window inside the padded input. ONNX Runtime divides
   * such partial windows otherwise, and fuses an explicit zero padding into the pool (then refusing
   * a padding as wide as the kernel), so the graph sums each window with a depthwise convolution of
   * ones, padded on the right until every window is whole, keeps the windows PyTorch keeps, and
   * divides each by PyTorch's divisor.
   */
  private void averagePoolRoundingUp(String in, Layer.Pool2d pool) {
    int k = pool.kernel();
    int s = pool.stride();
    int p = pool.padding();
    int channels = node.input().channels();
    float[] ones = new float[Math.multiplyExact(channels, Math.multiplyExact(k, k))];
    Arrays.fill(ones, 1f);
    NodeProto.Builder sum =
        NodeProto.newBuilder()
            .setOpType("Conv")
            .setName(node.name() + "/window_sums")
            .addInput(in)
            .addInput(floatConstant("ones", ones, channels, 1, k, k))
            .addOutput(node.name() + "/window_sums");
    sum.addAttribute(ints("kernel_shape", k, k));
    sum.addAttribute(ints("strides", s, s));
    sum.addAttribute(ints("pads", p, p, p + s, p + s));
    sum.addAttribute(integer("group", channels));
    proto.addNode(sum);
    flat.put(node.name() + "/window_sums", false);
    int height = node.output().height();
    int width = node.output().width();
    String kept = step("Slice", cropInputs(node.name() + "/window_sums"), false);
    float[] reciprocals = new float[height * width];
    for (int row = 0; row < height; row++) {
      for (int column = 0; column < width; column++) {
        int rows = Math.min(k, node.input().height() + 2 * p - row * s);
        int columns = Math.min(k, node.input().width() + 2 * p - column * s);
        reciprocals[row * width + column] = 1f / (rows * columns);
      }
    }
    emit("Mul", List.of(kept, floatConstant("divisors", reciprocals, 1, 1, height, width)), false);
  }

  /** A float constant of this layer. */
  private String floatConstant(String name, float[] values, long... dims) {
    return initializer(node.name() + "/" + name, FLOAT, floats(values), dims);
  }

  /** A 1-D int64 constant of this layer. */
  private String longConstant(String name, long... values) {
    return initializer(node.name() + "/" + name, INT64, longs(values), values.length);
  }

  /** The output size ONNX's pooling formula gives along an axis of {@code size}. */
  private static int onnxPoolSize(int size, Layer.Pool2d pool) {
    int span = size + 2 * pool.padding() - pool.kernel();
    return (pool.ceilMode()
            ? Math.floorDiv(span + pool.stride() - 1, pool.stride())
            : Math.floorDiv(span, pool.stride()))
        + 1;
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

  /** A {@code Slice}'s inputs keeping the first rows and columns this layer gives. */
  private List<String> cropInputs(String map) {
    return List.of(
        map,
        longConstant("starts", 0, 0),
        longConstant("ends", node.output().height(), node.output().width()),
        longConstant("axes", 2, 3));
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
  private String input(int index) {
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
  private String asFeatureMap(String value) {
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
  private void emit(String type, List<String> inputs, boolean isFlat) {
    proto.addNode(op(type, inputs, output(isFlat)));
  }

  /** Emits an intermediate operator of this layer, of the same layout as its input; its value. */
  private String step(String type, List<String> inputs) {
    return step(type, inputs, flat.get(inputs.get(0)));
  }

  private String step(String type, List<String> inputs, boolean isFlat) {
    String name = node.name() + "/" + type.toLowerCase(Locale.ROOT) + proto.getNodeCount();
    proto.addNode(
        NodeProto.newBuilder().setOpType(type).setName(name).addAllInput(inputs).addOutput(name));
    flat.put(name, isFlat);
    return name;
  }

  /** This layer's output value, recorded with its layout. */
  private String output(boolean isFlat) {
    String value = valueOf.get(node.name());
    flat.put(value, isFlat);
    return value;
  }

  private NodeProto.Builder op(String type, List<String> inputs, String output) {
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
  private String scalar(String name, float value) {
    return floatConstant(name, new float[] {value});
  }

  private String initializer(String name, int type, ByteBuffer bytes, long... dims) {
    TensorProto.Builder tensor =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(type)
            .setRawData(ByteString.copyFrom(bytes));
    for (long dim : dims) {
      tensor.addDims(dim);
    }
    proto.addInitializer(tensor);
    return name;
  }

  private static ByteBuffer floats(float... values) {
    ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(values);
    return bytes;
  }

  private static ByteBuffer longs(long... values) {
    ByteBuffer bytes = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asLongBuffer().put(values);
    return bytes;
  }

  private IllegalArgumentException unexportable(String why) {
    return new IllegalArgumentException(
        "cannot export layer '" + node.name() + "' (" + node.layer().kind() + ") to ONNX: " + why);
  }

  /** A float tensor of the batch dimension and {@code shape}, as DJL lays it out. */
  private static ValueInfoProto valueInfo(String name, ChannelShape shape, boolean isFlat) {
    TensorShapeProto.Builder dims =
        TensorShapeProto.newBuilder()
            .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH));
    if (isFlat) {
      dims.addDim(dim(shape.channels() * (long) shape.spatialSize()));
    } else {
      dims.addDim(dim(shape.channels())).addDim(dim(shape.height())).addDim(dim(shape.width()));
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(FLOAT).setShape(dims)))
        .build();
  }

  private static TensorShapeProto.Dimension dim(long value) {
    return TensorShapeProto.Dimension.newBuilder().setDimValue(value).build();
  }

  private static AttributeProto ints(String name, long... values) {
    AttributeProto.Builder attribute =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long value : values) {
      attribute.addInts(value);
    }
    return attribute.build();
  }

  private static AttributeProto integer(String name, long value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.INT)
        .setI(value)
        .build();
  }

  private static AttributeProto real(String name, float value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.FLOAT)
        .setF(value)
        .build();
  }
}
