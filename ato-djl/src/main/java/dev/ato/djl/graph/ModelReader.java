package dev.ato.djl.graph;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.ato.djl.engine.DjlInternals;
import dev.ato.djl.engine.NoGrad;
import dev.ato.djl.tensor.RandomArrays;
import dev.ato.graph.ChannelGraph;
import dev.ato.graph.ChannelShape;
import dev.ato.graph.Layer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads an ordinary DJL block tree into a {@link ModelGraph}, with no annotations from the user.
 *
 * <p>Understood: {@link SequentialBlock}, {@link ParallelBlock} (sum, sum followed by ReLU, or
 * concatenation along channels), {@link Conv2d} (grouped and depthwise too), {@link BatchNorm} over
 * channels, {@link Linear}, {@link Dropout} (the identity at inference), and {@link LambdaBlock}s
 * that compute the identity, a known element-wise function, max or average pooling (rounding down
 * or up), global pooling or a flatten. Opaque functions are identified by running them (see {@link
 * FunctionIdentifier}), and the reading is checked at the end: the graph, run layer by layer, must
 * reproduce the block's own output on a random input. Anything else stops the reader with an error
 * that names the block's path, never a silently wrong graph; or, with {@link
 * ReadOptions#opaqueUnknownBlocks()}, a block it cannot read (a lambda it cannot identify included)
 * becomes an opaque layer whose channels are not pruned.
 *
 * <p>The graph holds for the input shape read: a pool that rounds its output size up reads as
 * rounding down where, at that shape, both give the same windows.
 *
 * <p>Graph node names are DJL block paths, child names joined with dots ({@code
 * 05ParallelBlock.01SequentialBlock.01Conv2d}), so a message points at the block.
 */
public final class ModelReader {

  private static final Logger LOG = LoggerFactory.getLogger(ModelReader.class);
  private static final int PROBE_BATCH = 2;
  private static final long SEED = 20240314L;

  private final Block root;
  private final Shape inputShape;
  private final ReadOptions options;
  private final ChannelGraph.Builder graph;
  private final Map<String, Block> layerBlocks = new LinkedHashMap<>();
  private final Map<String, BatchNormSettings> batchNorms = new LinkedHashMap<>();
  private final Map<String, ChannelShape> coreShapes = new LinkedHashMap<>();
  private ParameterStore store;
  private FunctionIdentifier identifier;

  private ModelReader(Block root, Shape inputShape, String name, ReadOptions options) {
    this.root = root;
    this.inputShape = inputShape;
    this.options = options;
    this.graph = ChannelGraph.builder(name);
  }

  /**
   * Reads {@code block}, an initialised DJL block, for inputs of {@code inputShape} (batch axis
   * first: {@code [N, C, H, W]} or {@code [N, F]}).
   *
   * @param name the graph's name, used in messages and reports
   * @throws IllegalArgumentException when the block is not initialised, the shape does not fit, or
   *     a block cannot be understood (the message names its path)
   */
  public static ModelGraph read(Block block, Shape inputShape, String name) {
    return read(block, inputShape, name, ReadOptions.defaults());
  }

  /**
   * Reads {@code block} with the given options.
   *
   * @see #read(Block, Shape, String)
   */
  public static ModelGraph read(Block block, Shape inputShape, String name, ReadOptions options) {
    checkArgument(block != null, "the block to read must not be null");
    checkArgument(
        inputShape != null && (inputShape.dimension() == 4 || inputShape.dimension() == 2),
        "the input shape must be [N, C, H, W] or [N, F], batch axis first; found %s",
        inputShape);
    checkArgument(
        block.isInitialized(),
        "initialise the block before reading it (for example trainer.initialize(%s) or "
            + "block.initialize(manager, DataType.FLOAT32, %s))",
        inputShape,
        inputShape);
    return new ModelReader(block, inputShape, name, options).read();
  }

  private ModelGraph read() {
    long start = System.nanoTime();
    NDManager owner =
        root.getParameters().isEmpty()
            ? NDManager.newBaseManager()
            : root.getParameters().valueAt(0).getArray().getManager();
    try (NDManager manager = owner.newSubManager();
        NoGrad ignored = NoGrad.enter()) {
      store = new ParameterStore(manager, false);
      identifier = new FunctionIdentifier(manager, store, SEED);
      Shape probeShape = new Shape(PROBE_BATCH).addAll(inputShape.slice(1));
      NDArray x = RandomArrays.gaussian(manager, probeShape, 1, new SplittableRandom(SEED));
      ChannelShape coreInput =
          inputShape.dimension() == 4
              ? ChannelShape.spatial(dim(1), dim(2), dim(3))
              : ChannelShape.flat(dim(1));
      graph.input("input", coreInput);
      coreShapes.put("input", coreInput);
      Step step = visit(root, "", x, "input");
      graph.markOutput(step.coreOut);
      ChannelGraph built = graph.build();
      ModelGraph model =
          new ModelGraph(
              root,
              inputShape,
              built,
              step.op,
              ImmutableMap.copyOf(layerBlocks),
              ImmutableMap.copyOf(batchNorms));
      verifyReproduces(model, x);
      LOG.info(
          "read '{}': {} layers, {} with parameters, in {} ms",
          built.name(),
          built.nodes().size(),
          layerBlocks.size(),
          (System.nanoTime() - start) / 1_000_000);
      return model;
    } catch (ai.djl.engine.EngineException e) {
      throw new IllegalArgumentException(
          "the input shape "
              + inputShape
              + " does not fit the "
              + "model: the engine rejected a probe of that shape ("
              + firstLine(e)
              + ")",
          e);
    } finally {
      if (root.getParameters().isEmpty()) {
        owner.close();
      }
    }
  }

  /** The result of reading one block: how to run it, its output, and its graph node. */
  private record Step(Op op, NDArray out, String coreOut) {}

  private Step visit(Block block, String path, NDArray x, String coreIn) {
    if (block instanceof SequentialBlock) {
      List<Op> steps = new ArrayList<>();
      NDArray y = x;
      String coreOut = coreIn;
      for (Pair<String, Block> child : block.getChildren()) {
        Step step = visit(child.getValue(), join(path, child.getKey()), y, coreOut);
        steps.add(step.op);
        y = step.out;
        coreOut = step.coreOut;
      }
      return new Step(new Op.Sequence(ImmutableList.copyOf(steps)), y, coreOut);
    }
    if (block instanceof ParallelBlock parallel) {
      return visitParallel(parallel, path, x, coreIn);
    }
    String node = path.isEmpty() ? block.getClass().getSimpleName() : path;
    NDArray y = runBlock(block, x, node);
    Layer layer = leafLayer(block, node, x.getShape(), y.getShape(), coreIn);
    addNode(node, layer, y.getShape(), coreIn);
    if (!block.getParameters().isEmpty()) {
      layerBlocks.put(node, block);
    }
    return new Step(new Op.Leaf(node, block), y, node);
  }

  private Step visitParallel(ParallelBlock block, String path, NDArray x, String coreIn) {
    NDArray whole = runBlock(block, x, path);
    List<Op> branches = new ArrayList<>();
    List<NDArray> outputs = new ArrayList<>();
    List<String> coreOuts = new ArrayList<>();
    for (Pair<String, Block> child : block.getChildren()) {
      Step step = visit(child.getValue(), join(path, child.getKey()), x, coreIn);
      branches.add(step.op);
      outputs.add(step.out);
      coreOuts.add(step.coreOut);
    }
    checkArgument(!outputs.isEmpty(), "ParallelBlock '%s' has no branches", path);
    FunctionIdentifier.Join join = identifier.identifyJoin(block, path, outputs, whole);
    String prefix = path.isEmpty() ? "parallel" : path;
    String joinNode = prefix + (join == FunctionIdentifier.Join.CONCAT ? ".concat" : ".add");
    Layer joinLayer = join == FunctionIdentifier.Join.CONCAT ? new Layer.Concat() : new Layer.Add();
    addNode(joinNode, joinLayer, whole.getShape(), coreOuts.toArray(new String[0]));
    String reluNode = null;
    String coreOut = joinNode;
    if (join == FunctionIdentifier.Join.ADD_RELU) {
      reluNode = prefix + ".relu";
      addNode(reluNode, Layer.Activation.RELU, whole.getShape(), joinNode);
      coreOut = reluNode;
    }
    return new Step(
        new Op.Parallel(ImmutableList.copyOf(branches), join, joinNode, reluNode), whole, coreOut);
  }

  private Layer leafLayer(Block block, String path, Shape in, Shape out, String coreIn) {
    if (block instanceof Conv2d conv) {
      return convolution(conv, path);
    }
    if (block instanceof BatchNorm) {
      return batchNorm(block, path, in);
    }
    if (block instanceof Linear) {
      Shape weight = block.getParameters().get("weight").getArray().getShape();
      return new Layer.Linear(
          Math.toIntExact(weight.get(0)),
          Math.toIntExact(weight.get(1)),
          block.getParameters().contains("bias"));
    }
    if (block instanceof Dropout) {
      return new Layer.Identity();
    }
    if (block instanceof LambdaBlock lambda) {
      Optional<Layer> known = identifier.identify(lambda, in, coreShapes.get(coreIn));
      if (known.isPresent()) {
        return known.get();
      }
      if (!options.treatUnknownAsOpaque()) {
        throw new IllegalArgumentException(FunctionIdentifier.unidentified(lambda, path, in, out));
      }
      return opaque(block, path, out);
    }
    checkArgument(
        options.treatUnknownAsOpaque(),
        "cannot read block '%s' of type %s: ato reads SequentialBlock, ParallelBlock, Conv2d, "
            + "BatchNorm, Linear, Dropout and LambdaBlocks of known functions; express the "
            + "block with those, or read with ReadOptions.opaqueUnknownBlocks() to keep its "
            + "channels unpruned",
        path,
        block.getClass().getName());
    return opaque(block, path, out);
  }

  /** A block the reader cannot see into, read as unprunable because the user asked for that. */
  private static Layer opaque(Block block, String path, Shape out) {
    checkArgument(
        out.dimension() == 2 || out.dimension() == 4,
        "opaque block '%s' gives a %s-D output %s; ato follows [N, C] and [N, C, H, W]",
        path,
        out.dimension(),
        out);
    ChannelShape shape =
        out.dimension() == 4
            ? ChannelShape.spatial((int) out.get(1), (int) out.get(2), (int) out.get(3))
            : ChannelShape.flat((int) out.get(1));
    long values = 0;
    for (ai.djl.nn.Parameter parameter : block.getParameters().values()) {
      if (parameter.requiresGradient()) {
        values += parameter.getArray().size();
      }
    }
    LOG.warn(
        "block '{}' ({}) is read as opaque: its channels are not pruned and its FLOPs not "
            + "counted",
        path,
        block.getClass().getName());
    return new Layer.Opaque(block.getClass().getName(), shape, values);
  }

  private static Layer convolution(Conv2d conv, String path) {
    Shape kernel = conv.getKernelShape();
    checkArgument(
        kernel.dimension() == 2, "conv2d '%s' has a %s-D kernel", path, kernel.dimension());
    Shape weight = conv.getParameters().get("weight").getArray().getShape();
    Shape stride = conv.getStride();
    Shape padding = conv.getPadding();
    Shape dilation = conv.getDilation();
    return new Layer.Conv2d(
        conv.getFilters(),
        Math.toIntExact(weight.get(1)) * conv.getGroups(),
        (int) kernel.get(0),
        (int) kernel.get(1),
        (int) stride.get(0),
        (int) stride.get(1),
        (int) padding.get(0),
        (int) padding.get(1),
        (int) dilation.get(0),
        (int) dilation.get(1),
        conv.getGroups(),
        conv.getParameters().contains("bias"));
  }

  private Layer batchNorm(Block block, String path, Shape in) {
    DjlInternals.BatchNormFields fields = DjlInternals.batchNorm((BatchNorm) block);
    checkArgument(
        fields.axis() == 1,
        "batch norm '%s' normalises axis %s; ato reads batch " + "norms over channels (axis 1)",
        path,
        fields.axis());
    BatchNormSettings settings =
        new BatchNormSettings(fields.epsilon(), fields.momentum(), fields.center(), fields.scale());
    batchNorms.put(path, settings);
    return new Layer.BatchNorm(Math.toIntExact(in.get(1)), settings.scale(), settings.center());
  }

  private void addNode(String node, Layer layer, Shape runtime, String... inputs) {
    graph.add(node, layer, inputs);
    ChannelShape core = graph.outputShape(node);
    checkArgument(
        compatible(core, runtime),
        "ato reads block '%s' as %s giving %s per sample, but the block gives %s",
        node,
        layer.kind(),
        core,
        runtime);
    coreShapes.put(node, core);
  }

  /** Whether a runtime shape (batch axis first) holds the graph shape. */
  private static boolean compatible(ChannelShape core, Shape runtime) {
    if (runtime.dimension() == 2) {
      return runtime.get(1) == core.channels() && core.spatialSize() == 1;
    }
    return !core.flat()
        && runtime.dimension() == 4
        && runtime.get(1) == core.channels()
        && runtime.get(2) == core.height()
        && runtime.get(3) == core.width();
  }

  private void verifyReproduces(ModelGraph model, NDArray x) {
    NDArray expected = root.forward(store, new NDList(x), false).singletonOrThrow();
    NDArray actual = model.forward(store, new NDList(x), false).singletonOrThrow();
    checkArgument(
        expected.getShape().equals(actual.getShape())
            && expected.allClose(actual, 1e-4, 1e-5, false),
        "reading '%s' layer by layer does not reproduce the block's own output (shape %s vs "
            + "%s); a block computes more than ato can see",
        model.graph().name(),
        expected.getShape(),
        actual.getShape());
  }

  private NDArray runBlock(Block block, NDArray x, String path) {
    NDList out;
    try {
      out = block.forward(store, new NDList(x), false);
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) {
      // The engine reports a misfit input in many ways; name the block and the shape instead.
      throw new IllegalArgumentException(
          String.format(
              "block '%s' cannot run on inputs of "
                  + "shape %s per sample (%s); check the input shape given for the model",
              path.isEmpty() ? "the model" : path, x.getShape().slice(1), firstLine(e)),
          e);
    }
    checkArgument(
        out.size() == 1,
        "block '%s' gives %s outputs; ato reads blocks with one",
        path,
        out.size());
    return out.singletonOrThrow();
  }

  private int dim(int axis) {
    return Math.toIntExact(inputShape.get(axis));
  }

  private static String join(String path, String child) {
    return path.isEmpty() ? child : path + "." + child;
  }

  private static String firstLine(Exception e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
