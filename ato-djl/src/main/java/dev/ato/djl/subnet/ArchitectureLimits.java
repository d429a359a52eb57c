package dev.ato.djl.subnet;

import dev.ato.djl.graph.BatchNormSettings;
import dev.ato.djl.graph.Functions;
import dev.ato.graph.ChannelGraph;
import dev.ato.graph.ChannelShape;
import dev.ato.graph.Layer;
import dev.ato.graph.Node;
import dev.ato.graph.Parameter;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks a compressed network's description before anything is built from it: every field of
 * every layer within limits derived from the layer's input (a padding no wider than the input, a
 * pooling padding at most half its window as libtorch requires, every activation of a size that
 * fits in memory), so that a damaged or hand-edited file is an error naming the layer and the
 * field, never a forward pass that allocates without bound or a failure deep inside libtorch.
 * A damaged file is caught by its checksum first ({@code checksums.sha256}); these limits guard
 * a description that was changed and its checksum written again.
 */
final class ArchitectureLimits implements Layer.Visitor<Void> {

  /** Channels or features of one layer. */
  static final int MAX_CHANNELS = 1 << 20;
  /** Rows or columns of the network's input. */
  static final int MAX_SIDE = 1 << 14;
  /** Values of one layer's output for one input: 256 MiB of float32. */
  static final long MAX_VALUES = 1L << 26;
  /** Layers of one network. */
  static final int MAX_LAYERS = 100_000;
  /** The largest field of a layer that is not a channel count (kernel, stride, padding...). */
  private static final int MAX_FIELD = MAX_SIDE * 3;

  private final Node node;
  private final Map<String, BatchNormSettings> settings;

  private ArchitectureLimits(Node node, Map<String, BatchNormSettings> settings) {
    this.node = node;
    this.settings = settings;
  }

  /**
   * Checks {@code spec}; returns the parameters its layers hold, in values.
   *
   * @throws IllegalArgumentException naming the layer and the field that is out of bounds
   */
  static long check(SubnetSpec spec) {
    if (spec.name() == null || spec.nodes().isEmpty() || spec.outputs() == null
        || spec.outputs().isEmpty()) {
      throw new IllegalArgumentException("the description has no name, no layers or no "
          + "outputs");
    }
    if (spec.nodes().size() > MAX_LAYERS) {
      throw new IllegalArgumentException("the description has " + spec.nodes().size()
          + " layers, more than " + MAX_LAYERS);
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < spec.nodes().size(); i++) {
      SubnetSpec.NodeSpec node = spec.nodes().get(i);
      if (node == null || node.name() == null || node.name().isBlank() || node.layer() == null
          || node.inputs().stream().anyMatch(input -> input == null)) {
        throw new IllegalArgumentException("layer " + (i + 1) + " of the description lacks its "
            + "name, its kind or an input");
      }
      if (!names.add(node.name())) {
        throw new IllegalArgumentException("the description names two layers '" + node.name()
            + "'");
      }
      if ((i == 0) != (node.layer() instanceof Layer.Input)) {
        throw new IllegalArgumentException("layer '" + node.name() + "' (" + node.layer().kind()
            + "): the description must start with the network's input, and have one only");
      }
      checkFields(node);
    }
    ChannelGraph graph = spec.toGraph();
    long parameters = 0;
    for (Node node : graph.nodes()) {
      node.layer().accept(new ArchitectureLimits(node, spec.batchNorms()));
      checkSize(node, node.output(), "its output");
      try {
        for (Parameter parameter : node.parameters()) {
          long values = 1;
          for (int i = 0; i < parameter.shape().length(); i++) {
            values = Math.multiplyExact(values, parameter.shape().get(i));
          }
          parameters = Math.addExact(parameters, values);
        }
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException("layer '" + node.name() + "' (" + node.layer().kind()
            + "): its parameters are more than any file can hold");
      }
    }
    return parameters;
  }

  /** Absolute bounds, before any shape arithmetic can overflow. */
  private static void checkFields(SubnetSpec.NodeSpec spec) {
    spec.layer().accept(new FieldBounds(spec.name()));
  }

  /** Each kind's fields against absolute bounds. */
  private static final class FieldBounds implements Layer.Visitor<Void> {
    private final String name;

    FieldBounds(String name) {
      this.name = name;
    }

    @Override
    public Void visitInput(Layer.Input input) {
      ChannelShape shape = input.shape();
      if (shape == null) {
        throw new IllegalArgumentException("layer '" + name + "' (input) has no shape");
      }
      bound(name, input, "channels", shape.channels(), MAX_CHANNELS);
      bound(name, input, "height", shape.height(), MAX_SIDE);
      bound(name, input, "width", shape.width(), MAX_SIDE);
      return null;
    }

    @Override
    public Void visitConv2d(Layer.Conv2d c) {
      bound(name, c, "filters", c.filters(), MAX_CHANNELS);
      bound(name, c, "inChannels", c.inChannels(), MAX_CHANNELS);
      bound(name, c, "groups", c.groups(), MAX_CHANNELS);
      bound(name, c, "kernelH", c.kernelH(), MAX_FIELD);
      bound(name, c, "kernelW", c.kernelW(), MAX_FIELD);
      bound(name, c, "strideH", c.strideH(), MAX_FIELD);
      bound(name, c, "strideW", c.strideW(), MAX_FIELD);
      bound(name, c, "padH", c.padH(), MAX_FIELD);
      bound(name, c, "padW", c.padW(), MAX_FIELD);
      bound(name, c, "dilationH", c.dilationH(), MAX_FIELD);
      bound(name, c, "dilationW", c.dilationW(), MAX_FIELD);
      return null;
    }

    @Override
    public Void visitLinear(Layer.Linear linear) {
      bound(name, linear, "units", linear.units(), MAX_CHANNELS);
      return null;
    }

    @Override
    public Void visitBatchNorm(Layer.BatchNorm norm) {
      bound(name, norm, "channels", norm.channels(), MAX_CHANNELS);
      return null;
    }

    @Override
    public Void visitPool2d(Layer.Pool2d pool) {
      bound(name, pool, "kernel", pool.kernel(), MAX_FIELD);
      bound(name, pool, "stride", pool.stride(), MAX_FIELD);
      bound(name, pool, "padding", pool.padding(), MAX_FIELD);
      return null;
    }

    @Override
    public Void visitActivation(Layer.Activation layer) {
      return null;
    }

    @Override
    public Void visitGlobalPool(Layer.GlobalPool layer) {
      return null;
    }

    @Override
    public Void visitFlatten(Layer.Flatten layer) {
      return null;
    }

    @Override
    public Void visitAdd(Layer.Add layer) {
      return null;
    }

    @Override
    public Void visitConcat(Layer.Concat layer) {
      return null;
    }

    @Override
    public Void visitIdentity(Layer.Identity layer) {
      return null;
    }

    @Override
    public Void visitOpaque(Layer.Opaque layer) {
      return null;
    }
  }

  private static void bound(String name, Layer layer, String field, long value, long max) {
    if (value > max) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "layer '%s' (%s): %s is "
          + "%,d, more than any network has (at most %,d)", name, layer.kind(), field, value,
          max));
    }
  }

  private static void checkSize(Node node, ChannelShape shape, String what) {
    long values = (long) shape.channels() * shape.height() * shape.width();
    if (values > MAX_VALUES) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "layer '%s' (%s): %s would "
          + "hold %,d values per input (%s), more than %,d", node.name(), node.layer().kind(),
          what, values, shape, MAX_VALUES));
    }
  }

  private static void checkBatchNorm(Node node, BatchNormSettings settings) {
    if (settings == null) {
      throw new IllegalArgumentException("layer '" + node.name() + "' (batchnorm) has no "
          + "settings in the description's batchNorms");
    }
    if (!(settings.epsilon() > 0) || !Float.isFinite(settings.epsilon())
        || !Float.isFinite(settings.momentum())) {
      throw new IllegalArgumentException("layer '" + node.name() + "' (batchnorm): epsilon "
          + settings.epsilon() + " and momentum " + settings.momentum() + " must be finite, "
          + "epsilon positive");
    }
  }

  private IllegalArgumentException outOfBounds(String field, String why) {
    return new IllegalArgumentException("layer '" + node.name() + "' (" + node.layer().kind()
        + "): " + field + " " + why);
  }

  @Override
  public Void visitConv2d(Layer.Conv2d conv) {
    ChannelShape in = node.input();
    if (conv.padH() > in.height() || conv.padW() > in.width()) {
      throw outOfBounds("padding " + conv.padH() + "x" + conv.padW(), "is wider than its "
          + in.height() + "x" + in.width() + " input");
    }
    if (conv.dilationH() > in.height() + 2 * conv.padH()
        || conv.dilationW() > in.width() + 2 * conv.padW()) {
      throw outOfBounds("dilation " + conv.dilationH() + "x" + conv.dilationW(), "spans more "
          + "than its padded input");
    }
    return null;
  }

  @Override
  public Void visitPool2d(Layer.Pool2d pool) {
    if (2 * pool.padding() > pool.kernel()) {
      throw outOfBounds("padding " + pool.padding(), "is more than half its " + pool.kernel()
          + "-wide window");
    }
    if (pool.stride() > Math.max(node.input().height(), node.input().width()) + 2 * pool.padding()) {
      throw outOfBounds("stride " + pool.stride(), "is longer than its padded input");
    }
    return null;
  }

  @Override
  public Void visitActivation(Layer.Activation activation) {
    if (!Functions.isKnown(activation.function())) {
      throw outOfBounds("function '" + activation.function() + "'", "is not one ato runs");
    }
    return null;
  }

  @Override
  public Void visitLinear(Layer.Linear linear) {
    return null;
  }

  @Override
  public Void visitInput(Layer.Input layer) {
    return null;
  }

  @Override
  public Void visitBatchNorm(Layer.BatchNorm layer) {
    checkBatchNorm(node, settings.get(node.name()));
    return null;
  }

  @Override
  public Void visitGlobalPool(Layer.GlobalPool layer) {
    return null;
  }

  @Override
  public Void visitFlatten(Layer.Flatten layer) {
    return null;
  }

  @Override
  public Void visitAdd(Layer.Add layer) {
    return null;
  }

  @Override
  public Void visitConcat(Layer.Concat layer) {
    return null;
  }

  @Override
  public Void visitIdentity(Layer.Identity layer) {
    return null;
  }

  @Override
  public Void visitOpaque(Layer.Opaque layer) {
    throw outOfBounds("block", "is opaque (" + layer.description() + "): a saved network "
        + "cannot hold one");
  }
}
