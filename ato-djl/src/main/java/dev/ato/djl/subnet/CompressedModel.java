package dev.ato.djl.subnet;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.initializer.ConstantInitializer;
import com.google.common.primitives.ImmutableIntArray;
import dev.ato.cost.CostModel;
import dev.ato.djl.graph.BatchNormSettings;
import dev.ato.djl.graph.ModelGraph;
import dev.ato.djl.tensor.InPlace;
import dev.ato.graph.ChannelGraph;
import dev.ato.graph.ChannelShape;
import dev.ato.graph.Layer;
import dev.ato.graph.Node;
import dev.ato.graph.Parameter;
import dev.ato.groups.GroupMask;
import dev.ato.groups.GroupSet;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A physically smaller network cut from a model by a mask (docs/method.md, "The training loop"):
 * every pruned group's channels are gone, with fewer filters, smaller batch norms (running
 * statistics sliced too) and sliced consumer inputs, flatten-to-linear included. The user's model
 * is not changed. When the pruned groups are zero, as ATO leaves them, the compressed network
 * computes the same outputs as the dense one.
 *
 * <p>Saved as a directory holding {@value #ARCHITECTURE_FILE} (the {@link SubnetSpec}), the
 * parameters in DJL's model format, a {@code serving.properties} for DJL's loaders and a checksum
 * manifest of the three ({@code checksums.sha256}); {@link #load}, DJL's {@code Criteria} (with
 * {@link CompressedBlockFactory}) and {@code Model.load} rebuild it from those alone, and the first
 * two check every file against its checksum and every layer's geometry before they allocate
 * anything.
 */
public final class CompressedModel implements AutoCloseable {

  /** The architecture file in a saved directory. */
  public static final String ARCHITECTURE_FILE = "architecture.json";

  /** The model name in a saved directory: its parameter file's prefix. */
  public static final String MODEL_NAME = "compressed";

  /** The file that tells DJL's loaders how to rebuild the network. */
  public static final String SERVING_PROPERTIES = "serving.properties";

  /** The parameter file in a saved directory, in DJL's format. */
  public static final String PARAMETER_FILE = MODEL_NAME + "-0000.params";

  /** Every file of a saved directory, which its checksum manifest lists. */
  public static final List<String> SAVED_FILES =
      List.of(ARCHITECTURE_FILE, SERVING_PROPERTIES, PARAMETER_FILE);

  private static final Logger LOG = LoggerFactory.getLogger(CompressedModel.class);

  private final SubnetBlock block;
  private final Shape inputShape;
  private final GroupMask mask;
  // The channels of each layer of the model this network was cut from that it keeps; empty for a
  // network loaded or folded, which has no such model.
  private final Map<String, int[]> keptChannels;
  private NDManager ownedManager;

  private CompressedModel(SubnetBlock block, GroupMask mask, Map<String, int[]> keptChannels) {
    this.block = block;
    this.inputShape = inputShapeOf(block);
    this.mask = mask;
    this.keptChannels = keptChannels;
  }

  /**
   * Cuts the groups {@code mask} prunes out of {@code model}, into parameters that this object owns
   * on the model's device: {@link #close()} frees them. Opaque blocks (see {@code ReadOptions}) are
   * the exception: they are the original model's blocks, shared, and live only as long as that
   * model.
   */
  public static CompressedModel compress(ModelGraph model, GroupSet groups, GroupMask mask) {
    NDManager manager =
        NDManager.newBaseManager(model.block().getParameters().valueAt(0).getArray().getDevice());
    try {
      CompressedModel compressed = compress(model, groups, mask, manager);
      compressed.ownedManager = manager;
      return compressed;
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /**
   * Cuts the groups {@code mask} prunes out of {@code model}. A layer the mask would empty keeps
   * its first group (see {@link GroupSet#keepingEveryLayer}); {@link #mask} tells the mask actually
   * applied.
   *
   * @param manager owns the new network's parameters
   */
  public static CompressedModel compress(
      ModelGraph model, GroupSet groups, GroupMask mask, NDManager manager) {
    ChannelGraph graph = model.graph();
    checkArgument(
        graph.name().equals(groups.graphName()),
        "the groups were found in graph '%s', not in '%s'",
        groups.graphName(),
        graph.name());
    GroupMask applied = groups.keepingEveryLayer(mask);
    Map<String, int[]> kept = new HashMap<>();
    List<SubnetSpec.NodeSpec> nodes = new ArrayList<>();
    Map<String, BatchNormSettings> batchNorms = new LinkedHashMap<>();
    for (Node node : graph.nodes()) {
      kept.put(node.name(), keptChannels(groups.channelGroups(node.name()), applied));
      int[] in = node.inputs().isEmpty() ? new int[0] : kept.get(node.inputs().get(0));
      nodes.add(
          new SubnetSpec.NodeSpec(
              node.name(),
              ResizedLayer.of(node, in.length, kept.get(node.name()).length),
              node.inputs()));
      if (node.layer() instanceof Layer.BatchNorm) {
        batchNorms.put(node.name(), model.batchNormSettings(node.name()));
      }
    }
    SubnetSpec spec =
        new SubnetSpec(
            SubnetSpec.FORMAT_VERSION,
            graph.name() + "-compressed",
            nodes,
            List.copyOf(graph.outputs()),
            batchNorms,
            SubnetSpec.Form.TRAINABLE,
            CostModel.of(graph).flops());
    Map<String, Block> opaque = new HashMap<>();
    for (Node node : graph.nodes()) {
      if (node.layer() instanceof Layer.Opaque) {
        opaque.put(node.name(), model.layerBlock(node.name()).orElseThrow());
      }
    }
    Map<String, Map<String, float[]>> values = new HashMap<>();
    for (Node node : graph.nodes()) {
      if (node.parameters().isEmpty() || node.layer() instanceof Layer.Opaque) {
        continue;
      }
      int[] out = kept.get(node.name());
      int[] in = node.inputs().isEmpty() ? null : kept.get(node.inputs().get(0));
      Map<String, float[]> own = new HashMap<>();
      for (Parameter p : node.parameters()) {
        float[] source = model.parameter(node.name(), p.name()).getArray().toFloatArray();
        own.put(p.name(), ParameterSlicer.slice(source, p, out, in));
      }
      values.put(node.name(), own);
    }
    CompressedModel compressed =
        new CompressedModel(build(spec, opaque, values, manager), applied, Map.copyOf(kept));
    LOG.info(
        "compressed '{}': {} of {} groups kept, {} -> {} MACs",
        graph.name(),
        applied.size() - applied.prunedCount(),
        applied.size(),
        CostModel.of(graph).flops(),
        compressed.cost().flops());
    return compressed;
  }

  /**
   * The network {@code spec} describes, its parameters made by {@code manager} and set to {@code
   * values} (by layer and parameter name), its opaque layers the blocks in {@code opaque}.
   */
  private static SubnetBlock build(
      SubnetSpec spec,
      Map<String, Block> opaque,
      Map<String, ? extends Map<String, float[]>> values,
      NDManager manager) {
    SubnetBlock block = new SubnetBlock(spec, opaque);
    // Every value is overwritten below; constants keep the engine's generator untouched, so that a
    // run that cuts mid-epoch draws the same augmentation as one resumed after the cut.
    block.setInitializer(new ConstantInitializer(0f), parameter -> true);
    block.initialize(manager, DataType.FLOAT32, inputShapeOf(block));
    keepOutOfScopes(block);
    values.forEach(
        (layer, parameters) ->
            parameters.forEach(
                (name, value) ->
                    InPlace.copy(value, block.layer(layer).getParameters().get(name).getArray())));
    return block;
  }

  /**
   * This network's inference form, in parameters that the new object owns on this network's device
   * ({@link #close()} frees them): every batch norm that follows a convolution or linear layer
   * folded into it, so that a forward pass runs fewer layers for the same outputs in inference mode
   * (within float rounding). This is the form to serve; this object, the trainable form, stays as
   * it is, for fine-tuning. Saved, it loads as any compressed network does, and {@link #form()}
   * tells the two apart.
   */
  public CompressedModel forInference() {
    Map<String, Block> opaque = new HashMap<>();
    for (Node node : graph().nodes()) {
      if (node.layer() instanceof Layer.Opaque) {
        opaque.put(node.name(), block.layer(node.name()));
      }
    }
    BatchNormFolding.Folded folded =
        BatchNormFolding.fold(
            block.spec(),
            (layer, parameter) ->
                block.layer(layer).getParameters().get(parameter).getArray().toFloatArray());
    NDManager manager = NDManager.newBaseManager(device());
    try {
      CompressedModel inference =
          new CompressedModel(
              build(folded.spec(), opaque, folded.parameters(), manager), mask, Map.of());
      inference.ownedManager = manager;
      LOG.info(
          "inference form of '{}': {} batch norms folded, {} -> {} layers",
          block.spec().name(),
          folded.folded(),
          graph().nodes().size(),
          inference.graph().nodes().size());
      return inference;
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /** The description of this network: its layers, and what it was cut from. */
  public SubnetSpec spec() {
    return block.spec();
  }

  /** Whether this is the trainable form or the inference form ({@link #forInference()}). */
  public SubnetSpec.Form form() {
    return block.spec().form();
  }

  /** The device the parameters live on. */
  private Device device() {
    return block.getParameters().valueAt(0).getArray().getDevice();
  }

  /**
   * Frees the parameters if this object owns them: made by the three-argument {@link
   * #compress(ModelGraph, GroupSet, GroupMask)} or by {@link #forInference()}.
   */
  @Override
  public void close() {
    if (ownedManager != null) {
      ownedManager.close();
      ownedManager = null;
    }
  }

  /** The mask that was applied; empty for a model loaded from a directory. */
  public Optional<GroupMask> mask() {
    return Optional.ofNullable(mask);
  }

  /** The compressed network, an ordinary DJL block. */
  public Block block() {
    return block;
  }

  /** Its channel-flow graph. */
  public ChannelGraph graph() {
    return block.graph();
  }

  /** Its FLOPs and parameters, counted from its own layers. */
  public CostModel cost() {
    return CostModel.of(block.graph());
  }

  /** The input shape it was made for, with a batch of 1. */
  public Shape inputShape() {
    return inputShape;
  }

  /**
   * Saves the network into {@code directory}, creating it if needed: the architecture ({@value
   * #ARCHITECTURE_FILE}), the parameters in DJL's model format ({@value #PARAMETER_FILE}, as {@code
   * Model.save} writes them), a {@value #SERVING_PROPERTIES} that names {@link
   * CompressedBlockFactory}, so that the directory loads through {@link #load}, through DJL's
   * {@code Criteria} and through {@code Model.load}, and the SHA-256 of the three in {@code
   * checksums.sha256} (as {@code sha256sum} writes it).
   *
   * @throws IllegalStateException when the model holds opaque blocks
   * @throws UncheckedIOException when writing fails
   */
  public void save(Path directory) {
    if (block.hasOpaqueLayers()) {
      throw new IllegalStateException(
          "cannot save the compressed model: it holds opaque blocks "
              + "of the original model, which its description cannot rebuild; express those blocks "
              + "with blocks ato reads to make the model savable");
    }
    SavedDirectory.write(block, directory);
  }

  /**
   * Loads a model saved by {@link #save}, without the original model or any training code. The
   * parameters belong to {@code manager}.
   *
   * @throws IllegalArgumentException when the directory does not hold a saved model, or holds a
   *     damaged architecture, truncated parameters or parameters of another network; each message
   *     names the file
   */
  public static CompressedModel load(Path directory, NDManager manager) {
    return new CompressedModel(SavedDirectory.read(directory, manager), null, Map.of());
  }

  /**
   * Each parameter of {@code source}, the model this network was cut from, beside its counterpart
   * here: how state kept per parameter (an optimiser's momentum, say) follows the cut, and how this
   * network's values go back into the model after it trained on. Opaque layers, shared with the
   * model, have none.
   *
   * @throws IllegalStateException for a network that was loaded or folded for inference, which has
   *     no such model
   * @throws IllegalArgumentException when {@code source} is not the model this network was cut from
   */
  public List<ParameterCut> parameterCuts(ModelGraph source) {
    if (keptChannels.isEmpty()) {
      throw new IllegalStateException(
          "only a network made by compress() knows the model it was cut from; this one was "
              + "loaded or folded for inference");
    }
    List<ParameterCut> cuts = new ArrayList<>();
    for (Node node : source.graph().nodes()) {
      checkArgument(
          keptChannels.containsKey(node.name()),
          "layer %s is not in the model this network was cut from; pass that model",
          node.name());
      if (node.parameters().isEmpty() || node.layer() instanceof Layer.Opaque) {
        continue;
      }
      int[] out = keptChannels.get(node.name());
      int[] in = node.inputs().isEmpty() ? null : keptChannels.get(node.inputs().get(0));
      for (Parameter p : node.parameters()) {
        cuts.add(
            new ParameterCut(
                source.parameter(node.name(), p.name()),
                block.layer(node.name()).getParameters().get(p.name()),
                p,
                out,
                in));
      }
    }
    return cuts;
  }

  /**
   * One parameter of the model a network was cut from, its counterpart in the network, and the
   * channels the cut kept.
   */
  public static final class ParameterCut {
    private final ai.djl.nn.Parameter original;
    private final ai.djl.nn.Parameter compressed;
    private final Parameter layout;
    private final int[] outputs;
    private final int[] inputs;

    private ParameterCut(
        ai.djl.nn.Parameter original,
        ai.djl.nn.Parameter compressed,
        Parameter layout,
        int[] outputs,
        int[] inputs) {
      this.original = original;
      this.compressed = compressed;
      this.layout = layout;
      this.outputs = outputs;
      this.inputs = inputs;
    }

    /** The parameter in the model the network was cut from. */
    public ai.djl.nn.Parameter original() {
      return original;
    }

    /** Its counterpart in the compressed network. */
    public ai.djl.nn.Parameter compressed() {
      return compressed;
    }

    /**
     * The part of {@code values}, float32 and shaped like {@link #original()}, that the cut keeps:
     * a new array shaped like {@link #compressed()}, made by {@code manager}.
     */
    public NDArray keptPart(NDArray values, NDManager manager) {
      checkArgument(
          values.getShape().equals(original.getArray().getShape()),
          "values of shape %s do not fit parameter %s of shape %s",
          values.getShape(),
          original.getName(),
          original.getArray().getShape());
      float[] kept = ParameterSlicer.slice(values.toFloatArray(), layout, outputs, inputs);
      // A clone owns its memory; an array made from a Java array may live on a buffer only its
      // first wrapper keeps alive (docs/djl-notes.md).
      try (NDArray host = manager.create(kept, compressed.getArray().getShape())) {
        NDArray owned = host.toDevice(values.getDevice(), false).duplicate();
        owned.attach(manager);
        return owned;
      }
    }

    /**
     * Writes the compressed parameter's values into the kept places of the original one, in place;
     * the places the cut removed keep what they hold.
     */
    public void writeBack() {
      NDArray target = original.getArray();
      float[] values = target.toFloatArray();
      ParameterSlicer.putBack(
          compressed.getArray().toFloatArray(), values, layout, outputs, inputs);
      InPlace.copy(values, target);
    }
  }

  /** The input shape, batch 1, that {@code block} was made for. */
  static Shape inputShapeOf(SubnetBlock block) {
    ChannelShape input = block.graph().nodes().get(0).output();
    return input.flat()
        ? new Shape(1, input.channels())
        : new Shape(1, input.channels(), input.height(), input.width());
  }

  /** Parameters belong to their manager, not to whatever NDScope the caller has open. */
  static void keepOutOfScopes(SubnetBlock block) {
    block.getParameters().values().forEach(p -> NDScope.unregister(p.getArray()));
  }

  private static int[] keptChannels(ImmutableIntArray channelGroups, GroupMask mask) {
    return IntStream.range(0, channelGroups.length())
        .filter(
            k -> channelGroups.get(k) == GroupSet.UNPRUNABLE || mask.isKept(channelGroups.get(k)))
        .toArray();
  }
}
