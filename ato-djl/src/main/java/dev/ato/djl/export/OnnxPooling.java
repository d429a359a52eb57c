package dev.ato.djl.export;

import static dev.ato.djl.export.OnnxProtos.integer;
import static dev.ato.djl.export.OnnxProtos.ints;

import ai.onnx.proto.OnnxMl.NodeProto;
import dev.ato.graph.Layer;
import dev.ato.graph.Node;
import java.util.Arrays;
import java.util.List;

/**
 * The ONNX operators of one pooling layer: ONNX's {@code MaxPool} or {@code AveragePool} where they
 * compute as PyTorch does, and where they do not (a last ceil-mode window, partial average windows)
 * the operators that do, emitted through the {@link OnnxGraphWriter} that visits the layer.
 */
final class OnnxPooling {

  private final OnnxGraphWriter writer;
  private final Node node;

  OnnxPooling(OnnxGraphWriter writer, Node node) {
    this.writer = writer;
    this.node = node;
  }

  /** Emits the pooling {@code pool} of this layer. */
  void pool(Layer.Pool2d pool) {
    String in = writer.asFeatureMap(writer.input(0));
    boolean max = pool.pool() == Layer.PoolKind.MAX;
    if (!max && pool.ceilMode()) {
      averagePoolRoundingUp(in, pool);
      return;
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
      writer.proto.addNode(op.addOutput(writer.output(false)));
      return;
    }
    // PyTorch drops a last ceil-mode window that would start in the right-hand padding; ONNX's
    // formula keeps it. The extra row and column are cut off.
    String pooled = node.name() + "/pooled";
    writer.proto.addNode(op.setName(pooled).addOutput(pooled));
    writer.flat.put(pooled, false);
    writer.proto.addNode(writer.op("Slice", cropInputs(pooled), writer.output(false)));
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
            .addInput(writer.floatConstant("ones", ones, channels, 1, k, k))
            .addOutput(node.name() + "/window_sums");
    sum.addAttribute(ints("kernel_shape", k, k));
    sum.addAttribute(ints("strides", s, s));
    sum.addAttribute(ints("pads", p, p, p + s, p + s));
    sum.addAttribute(integer("group", channels));
    writer.proto.addNode(sum);
    writer.flat.put(node.name() + "/window_sums", false);
    int height = node.output().height();
    int width = node.output().width();
    String kept = writer.step("Slice", cropInputs(node.name() + "/window_sums"), false);
    float[] reciprocals = new float[height * width];
    for (int row = 0; row < height; row++) {
      for (int column = 0; column < width; column++) {
        int rows = Math.min(k, node.input().height() + 2 * p - row * s);
        int columns = Math.min(k, node.input().width() + 2 * p - column * s);
        reciprocals[row * width + column] = 1f / (rows * columns);
      }
    }
    writer.emit(
        "Mul",
        List.of(kept, writer.floatConstant("divisors", reciprocals, 1, 1, height, width)),
        false);
  }

  /** The output size ONNX's pooling formula gives along an axis of {@code size}. */
  private static int onnxPoolSize(int size, Layer.Pool2d pool) {
    int span = size + 2 * pool.padding() - pool.kernel();
    return (pool.ceilMode()
            ? Math.floorDiv(span + pool.stride() - 1, pool.stride())
            : Math.floorDiv(span, pool.stride()))
        + 1;
  }

  /** A {@code Slice}'s inputs keeping the first rows and columns this layer gives. */
  private List<String> cropInputs(String map) {
    return List.of(
        map,
        writer.longConstant("starts", 0, 0),
        writer.longConstant("ends", node.output().height(), node.output().width()),
        writer.longConstant("axes", 2, 3));
  }
}
