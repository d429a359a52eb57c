package dev.ato.djl.subnet;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonDeserializationContext;
import com.google.gson.JsonDeserializer;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonSerializationContext;
import com.google.gson.JsonSerializer;
import dev.ato.cost.CostModel;
import dev.ato.djl.graph.BatchNormSettings;
import dev.ato.djl.graph.ModelGraph;
import dev.ato.graph.ChannelGraph;
import dev.ato.graph.Layer;
import dev.ato.graph.Node;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The architecture of a compressed network, complete enough to rebuild it without the original
 * model or any training code: its layers in order (as channel-flow graph layers), their inputs, the
 * outputs, and the batch-norm settings. Saved as JSON next to the parameters.
 *
 * @param formatVersion version of this description; readers refuse versions they do not know (see
 *     {@link #FORMAT_VERSION})
 * @param name the network's name
 * @param nodes the layers, in order
 * @param outputs names of the output layers
 * @param batchNorms settings of each batch norm, by layer name
 * @param form whether the network is the trainable form or the inference form, whose batch norms
 *     are folded into the layers before them
 * @param originalFlops multiply-accumulates per input of the dense network this one was cut from, 0
 *     when unknown (descriptions written before version 3)
 */
public record SubnetSpec(
    int formatVersion,
    String name,
    List<NodeSpec> nodes,
    List<String> outputs,
    Map<String, BatchNormSettings> batchNorms,
    Form form,
    long originalFlops) {

  /**
   * The version this code writes; it reads this one and every earlier one. Version 2 added {@code
   * ceilMode} to pooling layers; version 1 files, which lack it, pooled rounding down. Version 3
   * added {@code form} (earlier files are all of the trainable form) and {@code originalFlops}.
   */
  public static final int FORMAT_VERSION = 3;

  private static final int OLDEST_READABLE_VERSION = 1;

  private static final Gson GSON =
      new GsonBuilder()
          .registerTypeHierarchyAdapter(Layer.class, new LayerAdapter())
          .registerTypeAdapter(NodeSpec.class, new NodeAdapter())
          .setPrettyPrinting()
          .create();

  /**
   * One layer of a compressed network.
   *
   * @param name the layer's name
   * @param layer what it computes
   * @param inputs the layers it reads
   */
  public record NodeSpec(String name, Layer layer, List<String> inputs) {
    public NodeSpec {
      checkArgument(
          name != null && layer != null && inputs != null,
          "a layer needs a name, a kind and its inputs");
      inputs = ImmutableList.copyOf(inputs);
    }
  }

  /**
   * Reads a layer with its name in every message: a field a layer rejects (a negative padding, a
   * kernel of 0, a number where a name belongs) is reported as that layer's.
   */
  private static final class NodeAdapter
      implements JsonSerializer<NodeSpec>, JsonDeserializer<NodeSpec> {

    @Override
    public JsonElement serialize(NodeSpec node, Type type, JsonSerializationContext context) {
      JsonObject json = new JsonObject();
      json.addProperty("name", node.name());
      json.add("layer", context.serialize(node.layer(), Layer.class));
      json.add("inputs", context.serialize(node.inputs()));
      return json;
    }

    @Override
    public NodeSpec deserialize(JsonElement json, Type type, JsonDeserializationContext context) {
      if (!json.isJsonObject()
          || !json.getAsJsonObject().has("name")
          || !json.getAsJsonObject().get("name").isJsonPrimitive()) {
        throw new JsonParseException("a layer without a name: " + abbreviate(json));
      }
      JsonObject fields = json.getAsJsonObject();
      String name = fields.get("name").getAsString();
      for (String field : new String[] {"layer", "inputs"}) {
        if (!fields.has(field) || fields.get(field).isJsonNull()) {
          throw new JsonParseException("layer '" + name + "' has no \"" + field + "\"");
        }
      }
      if (!fields.get("inputs").isJsonArray()) {
        throw new JsonParseException("layer '" + name + "': \"inputs\" is not a list of names");
      }
      try {
        Layer layer = context.deserialize(fields.get("layer"), Layer.class);
        List<String> inputs = new ArrayList<>();
        for (JsonElement input : fields.getAsJsonArray("inputs")) {
          inputs.add(input.getAsString());
        }
        return new NodeSpec(name, layer, inputs);
      } catch (RuntimeException e) {
        throw new JsonParseException("layer '" + name + "': " + rootMessage(e), e);
      }
    }
  }

  /** The message naming the layer at fault, if one does, else the innermost one. */
  private static String layerMessage(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause.getMessage() != null && cause.getMessage().startsWith("layer '")) {
        return cause.getMessage();
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return rootMessage(e);
  }

  /** The innermost message of {@code e}: what a record's constructor objected to. */
  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }

  private static String abbreviate(JsonElement json) {
    String text = String.valueOf(json);
    return text.length() <= 80 ? text : text.substring(0, 80) + "...";
  }

  /** Which form of a compressed network a description holds. */
  public enum Form {
    /** As ATO cut it, batch norms included: the form to fine-tune or train further. */
    TRAINABLE,
    /**
     * Every batch norm that follows a convolution or linear layer folded into it (its running
     * statistics, gamma and beta turned into that layer's weight and bias): the same outputs in
     * inference mode for fewer layers, the form to serve. Training it drops batch normalisation.
     */
    INFERENCE
  }

  public SubnetSpec {
    nodes = ImmutableList.copyOf(nodes);
    outputs = ImmutableList.copyOf(outputs);
    batchNorms = ImmutableMap.copyOf(batchNorms);
    // Descriptions written before version 3 have no form: they are all trainable.
    form = form == null ? Form.TRAINABLE : form;
    checkArgument(
        originalFlops >= 0,
        "the original network's FLOPs cannot be negative, found %s",
        originalFlops);
  }

  /** A description of the trainable form, of a network whose origin is unknown. */
  public SubnetSpec(
      int formatVersion,
      String name,
      List<NodeSpec> nodes,
      List<String> outputs,
      Map<String, BatchNormSettings> batchNorms) {
    this(formatVersion, name, nodes, outputs, batchNorms, Form.TRAINABLE, 0);
  }

  /**
   * A description of a dense model as the reader read it: every layer, every channel. It is what
   * exporting a model that was never compressed starts from.
   */
  public static SubnetSpec describing(ModelGraph model) {
    ChannelGraph graph = model.graph();
    List<NodeSpec> nodes = new ArrayList<>();
    Map<String, BatchNormSettings> batchNorms = new LinkedHashMap<>();
    for (Node node : graph.nodes()) {
      nodes.add(new NodeSpec(node.name(), node.layer(), node.inputs()));
      if (node.layer() instanceof Layer.BatchNorm) {
        batchNorms.put(node.name(), model.batchNormSettings(node.name()));
      }
    }
    return new SubnetSpec(
        FORMAT_VERSION,
        graph.name(),
        nodes,
        List.copyOf(graph.outputs()),
        batchNorms,
        Form.TRAINABLE,
        CostModel.of(graph).flops());
  }

  /**
   * Writes a layer as its record's fields plus a {@code type}, the record's simple name, and reads
   * it back. The record bodies go through a plain Gson so as not to recurse into this adapter.
   */
  private static final class LayerAdapter
      implements JsonSerializer<Layer>, JsonDeserializer<Layer> {
    private static final Gson PLAIN = new Gson();

    @Override
    public JsonElement serialize(Layer layer, Type type, JsonSerializationContext context) {
      JsonObject json = PLAIN.toJsonTree(layer).getAsJsonObject();
      json.addProperty("type", layer.getClass().getSimpleName());
      return json;
    }

    @Override
    public Layer deserialize(JsonElement json, Type type, JsonDeserializationContext context) {
      JsonElement kind = json.getAsJsonObject().get("type");
      if (kind == null) {
        throw new JsonParseException("a layer has no \"type\": " + json);
      }
      Class<?> layerClass =
          Arrays.stream(Layer.class.getPermittedSubclasses())
              .filter(c -> c.getSimpleName().equals(kind.getAsString()))
              .findFirst()
              .orElseThrow(
                  () -> new JsonParseException("unknown layer type '" + kind.getAsString() + "'"));
      JsonObject fields = json.getAsJsonObject();
      if (layerClass == Layer.Pool2d.class && !fields.has("ceilMode")) {
        // Written before version 2, when every pool rounded down.
        fields = fields.deepCopy();
        fields.addProperty("ceilMode", false);
      }
      return (Layer) PLAIN.fromJson(fields, layerClass);
    }
  }

  /** The channel-flow graph the description declares; building it re-checks every shape. */
  public ChannelGraph toGraph() {
    ChannelGraph.Builder builder = ChannelGraph.builder(name);
    for (NodeSpec node : nodes) {
      builder.add(node.name(), node.layer(), node.inputs().toArray(new String[0]));
    }
    outputs.forEach(builder::markOutput);
    return builder.build();
  }

  /** The description as JSON. */
  public String toJson() {
    return GSON.toJson(this);
  }

  /**
   * Reads a description written by {@link #toJson()}.
   *
   * @throws IllegalArgumentException when the JSON is malformed or of an unknown version
   */
  public static SubnetSpec fromJson(String json) {
    SubnetSpec spec;
    try {
      spec = GSON.fromJson(json, SubnetSpec.class);
    } catch (RuntimeException e) {
      // Gson's own errors, and what a record's constructor rejects, wrapped by Gson.
      throw new IllegalArgumentException(
          "not a compressed-network description: " + layerMessage(e), e);
    }
    checkArgument(spec != null && spec.nodes() != null, "not a compressed-network description");
    checkArgument(
        spec.formatVersion() >= OLDEST_READABLE_VERSION && spec.formatVersion() <= FORMAT_VERSION,
        "this description has format version %s; this version of ato reads versions %s to %s",
        spec.formatVersion(),
        OLDEST_READABLE_VERSION,
        FORMAT_VERSION);
    return spec;
  }
}
