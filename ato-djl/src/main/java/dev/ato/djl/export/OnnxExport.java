package dev.ato.djl.export;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import com.google.common.collect.ImmutableMap;
import com.google.common.hash.Hashing;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.ato.cost.CostModel;
import dev.ato.djl.AtoVersion;
import dev.ato.djl.graph.ModelGraph;
import dev.ato.djl.graph.ModelReader;
import dev.ato.djl.subnet.CompressedModel;
import dev.ato.djl.subnet.SubnetBlock;
import dev.ato.djl.subnet.SubnetSpec;
import dev.ato.graph.ChannelGraph;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * A network as an ONNX model, for ONNX Runtime, TensorRT, OpenVINO and the other runtimes that read
 * ONNX: opset {@value #OPSET_VERSION}, IR version {@value #IR_VERSION}, one input called {@value
 * #INPUT} and one output called {@value #OUTPUT} ({@code output0}, {@code output1}, ... when there
 * are several), a dynamic batch dimension called {@value #BATCH}, and metadata saying which version
 * of ato wrote it and what pruning removed.
 *
 * <pre>{@code
 * try (CompressedModel serving = result.compressed().forInference()) {
 *   OnnxExport.of(serving).save(Paths.get("model.onnx"));
 * }
 * OnnxExport.of(denseBlock, new Shape(1, 3, 32, 32)).save(Paths.get("dense.onnx"));
 * OnnxExport.verify(Paths.get("model.onnx")); // before serving a file that travelled
 * }</pre>
 *
 * <p>The file computes what the network computes in inference mode in DJL, with DJL's shapes: a
 * classifier's output is {@code [batch, classes]}. Both forms of a compressed network export (batch
 * norms as {@code BatchNormalization}, or folded); so does any model ato's reader reads. A layer
 * that has no ONNX form here (an opaque block) is an error that names it.
 */
public final class OnnxExport {

  /** The ONNX operator set the files use. */
  public static final int OPSET_VERSION = 13;

  /** The ONNX IR version of the files. */
  public static final int IR_VERSION = 7;

  /** The name of the model's input. */
  public static final String INPUT = OnnxGraphWriter.INPUT;

  /** The name of the model's output. */
  public static final String OUTPUT = OnnxGraphWriter.OUTPUT;

  /** The name of the batch dimension, which any size fills. */
  public static final String BATCH = OnnxGraphWriter.BATCH;

  /** Metadata key: the version of ato that wrote the file. */
  public static final String ATO_VERSION = "ato.version";

  /** Metadata key: {@code trainable}, {@code inference} or {@code dense}. */
  public static final String FORM = "ato.form";

  /** Metadata key: multiply-accumulates per input of the dense network, when known. */
  public static final String FLOPS_BEFORE = "ato.flops.before";

  /** Metadata key: multiply-accumulates per input of the network in the file. */
  public static final String FLOPS_AFTER = "ato.flops.after";

  /** Metadata key: the share of the dense network's FLOPs removed, when known. */
  public static final String FLOPS_REDUCTION = "ato.flops.reduction";

  /** Metadata key: trainable parameters of the network in the file. */
  public static final String PARAMETERS = "ato.parameters";

  /**
   * Metadata key: the SHA-256 of the whole file without this entry, which {@link #verify} checks;
   * ONNX itself has no checksum.
   */
  public static final String CHECKSUM = "ato.sha256";

  private final ModelProto model;

  private OnnxExport(ModelProto model) {
    this.model = model;
  }

  /**
   * A compressed network, of either form ({@link CompressedModel#forInference()} folds its batch
   * norms, the form to serve).
   *
   * @throws IllegalArgumentException naming the layer when one cannot be exported
   */
  public static OnnxExport of(CompressedModel compressed) {
    SubnetBlock block = (SubnetBlock) compressed.block();
    return build(
        compressed.spec(),
        (layer, parameter) ->
            block.layer(layer).getParameters().get(parameter).getArray().toFloatArray(),
        compressed.form() == SubnetSpec.Form.INFERENCE ? "inference" : "trainable");
  }

  /**
   * A model as ato's reader reads it, every channel kept: for instance the dense network before
   * pruning, to compare with the compressed one in the same runtime.
   *
   * @throws IllegalArgumentException naming the layer when one cannot be exported
   */
  public static OnnxExport of(ModelGraph model) {
    return build(
        SubnetSpec.describing(model),
        (layer, parameter) -> model.parameter(layer, parameter).getArray().toFloatArray(),
        "dense");
  }

  /**
   * A DJL block, initialised, read by ato's reader for {@code inputShape} (batch axis first, any
   * batch size); the file's batch dimension is dynamic whatever that size.
   *
   * @throws IllegalArgumentException when the block cannot be read or a layer cannot be exported
   */
  public static OnnxExport of(Block block, Shape inputShape) {
    return of(ModelReader.read(block, inputShape, "model"));
  }

  private static OnnxExport build(
      SubnetSpec spec, BiFunction<String, String, float[]> values, String form) {
    ChannelGraph graph = spec.toGraph();
    CostModel cost = CostModel.of(graph);
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(ATO_VERSION, AtoVersion.current());
    metadata.put(FORM, form);
    long before = form.equals("dense") ? cost.flops() : spec.originalFlops();
    if (before > 0) {
      metadata.put(FLOPS_BEFORE, Long.toString(before));
    }
    metadata.put(FLOPS_AFTER, Long.toString(cost.flops()));
    if (before > 0) {
      metadata.put(
          FLOPS_REDUCTION, String.format(Locale.ROOT, "%.6f", 1 - (double) cost.flops() / before));
    }
    metadata.put(PARAMETERS, Long.toString(cost.parameters()));
    ModelProto.Builder model =
        ModelProto.newBuilder()
            .setIrVersion(IR_VERSION)
            .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET_VERSION))
            .setProducerName("ato")
            .setProducerVersion(AtoVersion.current())
            .setDocString(
                "'" + spec.name() + "', " + form + " form, written by ato " + AtoVersion.current())
            .setGraph(OnnxGraphWriter.write(spec, graph, values));
    metadata.forEach(
        (key, value) ->
            model.addMetadataProps(
                StringStringEntryProto.newBuilder().setKey(key).setValue(value)));
    model.addMetadataProps(
        StringStringEntryProto.newBuilder().setKey(CHECKSUM).setValue(sha256(model.build())));
    return new OnnxExport(model.build());
  }

  /**
   * Checks that {@code file} is an ONNX model ato wrote and that nothing in it changed since (the
   * checksum covers the model as protobuf encodes it, every field and weight, less the checksum
   * itself): what to run before serving a file that went through storage or a network. ONNX Runtime
   * itself loads a damaged file whose damage still parses (a flipped weight, say) without a word.
   *
   * @return the file's metadata
   * @throws IllegalArgumentException naming the file when it is not an ONNX model, carries no
   *     checksum of ato's, or does not match it
   * @throws UncheckedIOException when it cannot be read
   */
  public static ImmutableMap<String, String> verify(Path file) {
    ModelProto model;
    try {
      if (Files.size(file) > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(file + " is larger than an ONNX file can be");
      }
      model = ModelProto.parseFrom(Files.readAllBytes(file));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(
          file
              + " is not an ONNX model ("
              + e.getMessage()
              + "): the file is damaged or of another kind",
          e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    OnnxExport export = new OnnxExport(model);
    String stored = export.metadata().get(CHECKSUM);
    if (stored == null) {
      throw new IllegalArgumentException(
          file
              + " carries no "
              + CHECKSUM
              + " in its metadata: "
              + "it was not written by ato, or is damaged");
    }
    ModelProto.Builder unsigned = model.toBuilder().clearMetadataProps();
    model.getMetadataPropsList().stream()
        .filter(p -> !p.getKey().equals(CHECKSUM))
        .forEach(unsigned::addMetadataProps);
    if (!sha256(unsigned.build()).equals(stored)) {
      throw new IllegalArgumentException(
          file
              + " does not match the checksum in its metadata: "
              + "the file is damaged or was changed after it was written; export it again");
    }
    return export.metadata();
  }

  private static String sha256(ModelProto model) {
    return Hashing.sha256().hashBytes(model.toByteArray()).toString();
  }

  /** The metadata the file carries, by key ({@link #ATO_VERSION}, {@link #FLOPS_AFTER}, ...). */
  public ImmutableMap<String, String> metadata() {
    ImmutableMap.Builder<String, String> metadata = ImmutableMap.builder();
    model.getMetadataPropsList().forEach(p -> metadata.put(p.getKey(), p.getValue()));
    return metadata.buildKeepingLast();
  }

  /** The model as the bytes of an {@code .onnx} file. */
  public byte[] toByteArray() {
    return model.toByteArray();
  }

  /**
   * Writes the model to {@code file}, replacing it, in one rename: a reader never sees half a file.
   *
   * @throws UncheckedIOException when writing fails
   */
  public void save(Path file) {
    Path absolute = file.toAbsolutePath();
    try {
      Files.createDirectories(absolute.getParent());
      Path partial =
          Files.createTempFile(absolute.getParent(), "." + absolute.getFileName(), ".partial");
      try {
        Files.write(partial, toByteArray());
        Files.move(
            partial, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(partial);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the ONNX model to " + absolute, e);
    }
  }
}
