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
 * Checks a compressed network's description before anything is built from it: every field of every
 * layer within limits derived from the layer's input (a padding no wider than the input, a pooling
 * padding at most half its window as libtorch requires, every activation of a size that fits in
 * memory), so that a damaged or hand-edited file is an error naming the layer and the field, never
 * a forward pass that allocates without bound or a failure deep inside libtorch. A damaged file is
 * caught by its checksum first ({@code checksums.sha256}); these limits guard a description that
 * was changed and its checksum written again.
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

  private final String name;
  private final Layer layer;

  /** The layer with its shapes, or null on the first pass, before any shape is computed. */
  private final Node node;

  private final Map<String, BatchNormSettings> settings;

  private ArchitectureLimits(
      String name, Layer layer, Node node, Map<String, BatchNormSettings> settings) {
    this.name = name;
    this.layer = layer;
    this.node = node;
    this.settings = settings;
  }

  /**
   * Checks {@code spec}; returns the parameters its layers hold, in values. Two passes: every field
   * against absolute bounds first, so that no shape arithmetic can overflow, then against the
   * shapes the fields give.
   *
   * @throws IllegalArgumentException naming the layer and the field that is out of bounds
   */
  static long check(SubnetSpec spec) {
    if (spec.name() == null
        || spec.nodes().isEmpty()
        || spec.outputs() == null
        || spec.outputs().isEmpty()) {
      throw new IllegalArgumentException(
          "the description has no name, no layers or no " + "outputs");
    }
    if (spec.nodes().size() > MAX_LAYERS) {
      throw new IllegalArgumentException(
          "the description has " + spec.nodes().size() + " layers, more than " + MAX_LAYERS);
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < spec.nodes().size(); i++) {
      SubnetSpec.NodeSpec node = spec.nodes().get(i);
      if (node == null
          || node.name().isBlank()
          || node.inputs().stream().anyMatch(input -> input == null)) {
        throw new IllegalArgumentException(
            "layer " + (i + 1) + " of the description lacks its " + "name or an input");
      }
      if (!names.add(node.name())) {
        throw new IllegalArgumentException(
            "the description names two layers '" + node.name() + "'");
      }
      if ((i == 0) != (node.layer() instanceof Layer.Input)) {
        throw new IllegalArgumentException(
            "layer '"
                + node.name()
                + "' ("
                + node.layer().kind()
                + "): the description must start with the network's input, and have one only");
      }
      node.layer()
          .accept(new ArchitectureLimits(node.name(), node.layer(), null, spec.batchNorms()));
    }
    ChannelGraph graph = spec.toGraph();
    long parameters = 0;
    for (Node node : graph.nodes()) {
      node.layer()
          .accept(new ArchitectureLimits(node.name(), node.layer(), node, spec.batchNorms()));
      try {
        for (Parameter parameter : node.parameters()) {
          long values = 1;
          for (int i = 0; i < parameter.shape().length(); i++) {
            values = Math.multiplyExact(values, parameter.shape().get(i));
          }
          parameters = Math.addExact(parameters, values);
        }
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException(
            "layer '"
                + node.name()
                + "' ("
                + node.layer().kind()
                + "): its parameters are more than any file can hold");
      }
    }
    return parameters;
  }

  private void bound(String field, long value, long max) {
    if (value > max) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "layer '%s' (%s): %s is " + "%,d, more than any network has (at most %,d)",
              name,
              layer.kind(),
              field,
              value,
              max));
    }
  }

  private IllegalArgumentException outOfBounds(String field, String why) {
    return new IllegalArgumentException(
        "layer '" + name + "' (" + layer.kind() + "): " + field + " " + why);
  }

  /** On the second pass, that the layer's output fits in memory. */
  private Void output() {
    if (node != null) {
      ChannelShape shape = node.output();
      long values = (long) shape.channels() * shape.height() * shape.width();
      if (values > MAX_VALUES) {
        throw outOfBounds(
            "its output",
            String.format(
                Locale.ROOT,
                "would hold %,d values per " + "input (%s), more than %,d",
                values,
                shape,
                MAX_VALUES));
      }
    }
    return null;
  }

  @Override
  public Void visitInput(Layer.Input input) {
    ChannelShape shape = input.shape();
    bound("channels", shape.channels(), MAX_CHANNELS);
    bound("height", shape.height(), MAX_SIDE);
    bound("width", shape.width(), MAX_SIDE);
    return output();
  }

  @Override
  public Void visitConv2d(Layer.Conv2d c) {
    bound("filters", c.filters(), MAX_CHANNELS);
    bound("inChannels", c.inChannels(), MAX_CHANNELS);
    bound("groups", c.groups(), MAX_CHANNELS);
    bound("kernelH", c.kernelH(), MAX_FIELD);
    bound("kernelW", c.kernelW(), MAX_FIELD);
    bound("strideH", c.strideH(), MAX_FIELD);
    bound("strideW", c.strideW(), MAX_FIELD);
    bound("padH", c.padH(), MAX_FIELD);
    bound("padW", c.padW(), MAX_FIELD);
    bound("dilationH", c.dilationH(), MAX_FIELD);
    bound("dilationW", c.dilationW(), MAX_FIELD);
    if (node != null) {
      ChannelShape in = node.input();
      if (c.padH() > in.height() || c.padW() > in.width()) {
        throw outOfBounds(
            "padding " + c.padH() + "x" + c.padW(),
            "is wider than its " + in.height() + "x" + in.width() + " input");
      }
      if (c.dilationH() > in.height() + 2 * c.padH() || c.dilationW() > in.width() + 2 * c.padW()) {
        throw outOfBounds(
            "dilation " + c.dilationH() + "x" + c.dilationW(),
            "spans more " + "than its padded input");
      }
    }
    return output();
  }

  @Override
  public Void visitBatchNorm(Layer.BatchNorm norm) {
    bound("channels", norm.channels(), MAX_CHANNELS);
    BatchNormSettings own = settings.get(name);
    if (own == null) {
      throw outOfBounds("settings", "are missing from the description's batchNorms");
    }
    if (!(own.epsilon() > 0) || !Float.isFinite(own.epsilon()) || !Float.isFinite(own.momentum())) {
      throw outOfBounds(
          "epsilon " + own.epsilon() + " and momentum " + own.momentum(),
          "must be finite, epsilon positive");
    }
    return output();
  }

  @Override
  public Void visitLinear(Layer.Linear linear) {
    bound("units", linear.units(), MAX_CHANNELS);
    return output();
  }

  @Override
  public Void visitPool2d(Layer.Pool2d pool) {
    bound("kernel", pool.kernel(), MAX_FIELD);
    bound("stride", pool.stride(), MAX_FIELD);
    bound("padding", pool.padding(), MAX_FIELD);
    if (2 * pool.padding() > pool.kernel()) {
      throw outOfBounds(
          "padding " + pool.padding(), "is more than half its " + pool.kernel() + "-wide window");
    }
    if (node != null
        && pool.stride()
            > Math.max(node.input().height(), node.input().width()) + 2 * pool.padding()) {
      throw outOfBounds("stride " + pool.stride(), "is longer than its padded input");
    }
    return output();
  }

  @Override
  public Void visitActivation(Layer.Activation activation) {
    if (!Functions.isKnown(activation.function())) {
      throw outOfBounds("function '" + activation.function() + "'", "is not one ato runs");
    }
    return output();
  }

  @Override
  public Void visitGlobalPool(Layer.GlobalPool layer) {
    return output();
  }

  @Override
  public Void visitFlatten(Layer.Flatten layer) {
    return output();
  }

  @Override
  public Void visitAdd(Layer.Add layer) {
    return output();
  }

  @Override
  public Void visitConcat(Layer.Concat layer) {
    return output();
  }

  @Override
  public Void visitIdentity(Layer.Identity layer) {
    return output();
  }

  @Override
  public Void visitOpaque(Layer.Opaque opaque) {
    throw outOfBounds(
        "block", "is opaque (" + opaque.description() + "): a saved network " + "cannot hold one");
  }
}
