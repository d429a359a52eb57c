package dev.ato.djl.export;

import static dev.ato.djl.export.OnnxProtos.real;

import ai.onnx.proto.OnnxMl.NodeProto;
import dev.ato.djl.graph.Functions;
import dev.ato.graph.Layer;
import java.util.List;
import java.util.Optional;

/**
 * The ONNX operators of one element-wise function: ONNX's own where it has one, else the operators
 * that compute what DJL computes, emitted through the {@link OnnxGraphWriter} that visits the
 * layer.
 */
final class OnnxActivations {

  private final OnnxGraphWriter writer;

  OnnxActivations(OnnxGraphWriter writer) {
    this.writer = writer;
  }

  /** Emits the element-wise function {@code layer} of this layer. */
  void emit(Layer.Activation layer) {
    String in = writer.input(0);
    boolean isFlat = writer.flat.get(in);
    String function = layer.function();
    Optional<Float> slope = Functions.leakyReluSlope(function);
    if (slope.isPresent()) {
      NodeProto.Builder op = writer.op("LeakyRelu", List.of(in), writer.output(isFlat));
      op.addAttribute(real("alpha", slope.get()));
      writer.proto.addNode(op);
      return;
    }
    switch (function) {
      case "relu" -> writer.emit("Relu", List.of(in), isFlat);
      case "sigmoid" -> writer.emit("Sigmoid", List.of(in), isFlat);
      case "tanh" -> writer.emit("Tanh", List.of(in), isFlat);
      case "softplus" -> writer.emit("Softplus", List.of(in), isFlat);
      case "selu" -> writer.emit("Selu", List.of(in), isFlat);
      case "softsign" -> writer.emit("Softsign", List.of(in), isFlat);
      case "elu" -> {
        NodeProto.Builder op = writer.op("Elu", List.of(in), writer.output(isFlat));
        op.addAttribute(real("alpha", 1f));
        writer.proto.addNode(op);
      }
      case "relu6" ->
          writer.emit(
              "Clip", List.of(in, writer.scalar("zero", 0f), writer.scalar("six", 6f)), isFlat);
      case "silu" -> writer.emit("Mul", List.of(in, writer.step("Sigmoid", List.of(in))), isFlat);
      case "mish" -> {
        // DJL 0.35.1's mish takes log2 where Mish takes the natural log: x tanh(log2(1 + e^x)),
        // that is x tanh(softplus(x) / ln 2). The file computes what DJL computes.
        String log2 =
            writer.step(
                "Div",
                List.of(
                    writer.step("Softplus", List.of(in)),
                    writer.scalar("ln2", (float) Math.log(2))));
        writer.emit("Mul", List.of(in, writer.step("Tanh", List.of(log2))), isFlat);
      }
      case "gelu" -> {
        // PyTorch's exact GELU, which DJL runs: x * (1 + erf(x / sqrt 2)) / 2. ONNX has no GELU
        // operator before opset 20.
        String scaled =
            writer.step("Div", List.of(in, writer.scalar("sqrt2", (float) Math.sqrt(2))));
        String erf = writer.step("Erf", List.of(scaled));
        String half = writer.step("Mul", List.of(in, writer.scalar("half", 0.5f)));
        writer.emit(
            "Mul",
            List.of(half, writer.step("Add", List.of(erf, writer.scalar("one", 1f)))),
            isFlat);
      }
      default ->
          throw writer.unexportable(
              "the element-wise function '" + function + "' has no ONNX " + "form in ato");
    }
  }
}
