package dev.ato.graph;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import com.google.common.collect.ImmutableList;
import com.google.common.primitives.ImmutableIntArray;
import java.util.List;
import java.util.Locale;

/**
 * What a node of a {@link ChannelGraph} computes, as far as channels, zero-invariance and cost are
 * concerned. Each kind is a small immutable record; a layer works out its output shape and its
 * parameters from the shapes of its inputs, so a graph declares only what a user would write in a
 * model definition.
 *
 * <p>The kinds say explicitly what an engine often hides: whether a join adds or concatenates,
 * whether an activation keeps zero at zero, whether a convolution is depthwise.
 */
public sealed interface Layer
    permits Layer.Input,
        Layer.Conv2d,
        Layer.BatchNorm,
        Layer.Linear,
        Layer.Activation,
        Layer.Pool2d,
        Layer.GlobalPool,
        Layer.Flatten,
        Layer.Add,
        Layer.Concat,
        Layer.Identity,
        Layer.Opaque {

  /** A short lower-case name of the kind, used in messages ({@code "conv2d"}, {@code "add"}). */
  String kind();

  /**
   * The shape this layer gives for inputs of the given shapes.
   *
   * @param inputs the layer's inputs, in order
   * @throws IllegalArgumentException naming the layer and the offending input when the inputs do
   *     not fit (channel counts that disagree, too few inputs, a feature map too small)
   */
  ChannelShape outputShape(LayerInputs inputs);

  /** The layer's parameters for an input of the given shape; empty for parameter-free layers. */
  default ImmutableList<Parameter> parameters(ChannelShape input) {
    return ImmutableList.of();
  }

  /**
   * Calls the method of {@code visitor} for this layer's kind.
   *
   * @return what that method returns
   */
  <R> R accept(Visitor<R> visitor);

  /**
   * An operation defined for every kind of layer, one method per kind. Code that treats kinds
   * differently goes through a visitor rather than a chain of {@code instanceof} tests, so that a
   * new kind fails to compile at every such place until each says what the kind means there,
   * instead of falling through to a default. Where a kind has no meaning, the method throws. (A
   * test for named kinds, such as "is this the input", may be an {@code instanceof}: it gives no
   * meaning to the kinds it does not name.)
   *
   * @param <R> what the operation gives for one layer
   */
  interface Visitor<R> {
    /** The operation on the network's input. */
    R visitInput(Input layer);

    /** The operation on a convolution. */
    R visitConv2d(Conv2d layer);

    /** The operation on a batch norm. */
    R visitBatchNorm(BatchNorm layer);

    /** The operation on a fully connected layer. */
    R visitLinear(Linear layer);

    /** The operation on an element-wise function. */
    R visitActivation(Activation layer);

    /** The operation on windowed pooling. */
    R visitPool2d(Pool2d layer);

    /** The operation on global pooling. */
    R visitGlobalPool(GlobalPool layer);

    /** The operation on a flatten. */
    R visitFlatten(Flatten layer);

    /** The operation on an element-wise sum. */
    R visitAdd(Add layer);

    /** The operation on a concatenation. */
    R visitConcat(Concat layer);

    /** The operation on the identity. */
    R visitIdentity(Identity layer);

    /** The operation on a layer whose insides are unknown. */
    R visitOpaque(Opaque layer);
  }

  /** The network's input: fixes the shape everything else is derived from. */
  record Input(ChannelShape shape) implements Layer {
    public Input {
      checkArgument(shape != null, "an input needs a shape");
    }

    @Override
    public String kind() {
      return "input";
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.visitInput(this);
    }

    @Override
    public ChannelShape outputShape(LayerInputs inputs) {
      checkArgument(inputs.size() == 0, "input '%s' cannot read other layers", inputs.layer());
      return shape;
    }
  }

  /**
   * A 2-D convolution, weight of shape {@code [filters, inChannels / groups, kernelH, kernelW]}.
   * {@code groups == inChannels == filters} is a depthwise convolution: its channel {@code k} reads
   * only input channel {@code k}. {@code inChannels} of 0 means "whatever the input has"; a
   * positive value is checked against the input.
   */
  record Conv2d(
      int filters,
      int inChannels,
      int kernelH,
      int kernelW,
      int strideH,
      int strideW,
      int padH,
      int padW,
      int dilationH,
      int dilationW,
      int groups,
      boolean bias)
      implements Layer {

    public Conv2d {
      checkArgument(filters >= 1, "a convolution needs at least 1 filter, found %s", filters);
      checkArgument(
          inChannels >= 0, "inChannels must be positive (or 0 to infer), found %s", inChannels);
      checkArgument(
          kernelH >= 1 && kernelW >= 1, "kernel must be positive, found %sx%s", kernelH, kernelW);
      checkArgument(
          strideH >= 1 && strideW >= 1, "stride must be positive, found %sx%s", strideH, strideW);
      checkArgument(
          padH >= 0 && padW >= 0, "padding must not be negative, found %sx%s", padH, padW);
      checkArgument(
          dilationH >= 1 && dilationW >= 1,
          "dilation must be positive, found %sx%s",
          dilationH,
          dilationW);
      checkArgument(groups >= 1, "groups must be positive, found %s", groups);
      checkArgument(
          filters % groups == 0, "groups (%s) must divide the filters (%s)", groups, filters);
    }

    /** Starts a convolution in DJL's style: {@code setFilters}, {@code setKernelShape}, opts. */
    public static Builder builder() {
      return new Builder();
    }

    @Override
    public String kind() {
      return "conv2d";
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.visitConv2d(this);
    }

    /** Whether, for this input channel count, each filter reads exactly its own channel. */
    public boolean isDepthwise(int inputChannels) {
      return groups > 1 && groups == inputChannels && filters == inputChannels;
    }

    @Override
    public ChannelShape outputShape(LayerInputs inputs) {
      ChannelShape in = inputs.single();
      checkArgument(
          !in.flat(),
          "conv2d '%s' needs a feature map but '%s' gives a flat %s",
          inputs.layer(),
          inputs.name(0),
          in);
      checkArgument(
          inChannels == 0 || inChannels == in.channels(),
          "conv2d '%s' expects %s input channels but '%s' gives %s",
          inputs.layer(),
          inChannels,
          inputs.name(0),
          in.channels());
      checkArgument(
          in.channels() % groups == 0,
          "conv2d '%s' has %s groups, which do not divide the %s channels of '%s'",
          inputs.layer(),
          groups,
          in.channels(),
          inputs.name(0));
      int height = outputSize(in.height(), kernelH, strideH, padH, dilationH);
      int width = outputSize(in.width(), kernelW, strideW, padW, dilationW);
      checkArgument(
          height >= 1 && width >= 1,
          "conv2d '%s' turns the %s input from '%s' into an empty %sx%s map",
          inputs.layer(),
          in,
          inputs.name(0),
          height,
          width);
      return ChannelShape.spatial(filters, height, width);
    }

    @Override
    public ImmutableList<Parameter> parameters(ChannelShape input) {
      boolean dense = groups == 1;
      ImmutableList.Builder<Parameter> params = ImmutableList.builder();
      params.add(
          new Parameter(
              "weight",
              ImmutableIntArray.of(filters, input.channels() / groups, kernelH, kernelW),
              0,
              dense ? 1 : Parameter.NO_AXIS,
              true));
      if (bias) {
        params.add(
            new Parameter("bias", ImmutableIntArray.of(filters), 0, Parameter.NO_AXIS, true));
      }
      return params.build();
    }

    /** Builds a {@link Conv2d}; defaults: stride 1, no padding, dilation 1, 1 group, bias. */
    public static final class Builder {
      private int filters;
      private int inChannels;
      private int kernelH;
      private int kernelW;
      private int strideH = 1;
      private int strideW = 1;
      private int padH;
      private int padW;
      private int dilationH = 1;
      private int dilationW = 1;
      private int groups = 1;
      private boolean bias = true;

      private Builder() {}

      /** Sets the number of output channels. Required. */
      public Builder setFilters(int filters) {
        this.filters = filters;
        return this;
      }

      /** Sets a square kernel. Required (this or the two-argument form). */
      public Builder setKernelShape(int size) {
        return setKernelShape(size, size);
      }

      /** Sets the kernel's height and width. */
      public Builder setKernelShape(int height, int width) {
        this.kernelH = height;
        this.kernelW = width;
        return this;
      }

      /** Declares the input channels, checked against the input layer when the graph is built. */
      public Builder optInChannels(int inChannels) {
        this.inChannels = inChannels;
        return this;
      }

      /** Sets the same stride on both axes. */
      public Builder optStride(int stride) {
        return optStride(stride, stride);
      }

      /** Sets the stride per axis. */
      public Builder optStride(int height, int width) {
        this.strideH = height;
        this.strideW = width;
        return this;
      }

      /** Sets the same zero padding on both axes. */
      public Builder optPadding(int padding) {
        return optPadding(padding, padding);
      }

      /** Sets the zero padding per axis. */
      public Builder optPadding(int height, int width) {
        this.padH = height;
        this.padW = width;
        return this;
      }

      /** Sets the same dilation on both axes. */
      public Builder optDilation(int dilation) {
        this.dilationH = dilation;
        this.dilationW = dilation;
        return this;
      }

      /** Sets the number of groups; equal to the input channels for a depthwise convolution. */
      public Builder optGroups(int groups) {
        this.groups = groups;
        return this;
      }

      /** Whether the convolution adds a bias (default true; false before a batch norm). */
      public Builder optBias(boolean bias) {
        this.bias = bias;
        return this;
      }

      /** Validates and builds; may be called again. */
      public Conv2d build() {
        checkState(filters > 0, "setFilters(...) is required, with a positive count");
        checkState(kernelH > 0 && kernelW > 0, "setKernelShape(...) is required");
        return new Conv2d(
            filters,
            inChannels,
            kernelH,
            kernelW,
            strideH,
            strideW,
            padH,
            padW,
            dilationH,
            dilationW,
            groups,
            bias);
      }
    }
  }

  /**
   * Batch normalisation over channels (or over the features of a flat tensor). Its {@code gamma}
   * and {@code beta} and its running statistics all follow the channel. {@code channels} of 0 means
   * "whatever the input has". {@code scale} and {@code center} say whether gamma and beta are
   * trained; a frozen one cannot be driven to zero, so channels through such a batch norm are not
   * zero-invariant.
   */
  record BatchNorm(int channels, boolean scale, boolean center) implements Layer {
    public BatchNorm {
      checkArgument(channels >= 0, "channels must be positive (or 0 to infer), found %s", channels);
    }

    /** A batch norm whose gamma and beta are both trained, the usual kind. */
    public BatchNorm(int channels) {
      this(channels, true, true);
    }

    @Override
    public String kind() {
      return "batchnorm";
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.visitBatchNorm(this);
    }

    @Override
    public ChannelShape outputShape(LayerInputs inputs) {
      ChannelShape in = inputs.single();
      checkArgument(
          channels == 0 || channels == in.channels(),
          "batchnorm '%s' expects %s channels but '%s' gives %s",
          inputs.layer(),
          channels,
          inputs.name(0),
          in.channels());
      return in;
    }

    @Override
    public ImmutableList<Parameter> parameters(ChannelShape input) {
      ImmutableIntArray shape = ImmutableIntArray.of(input.channels());
      return ImmutableList.of(
          new Parameter("gamma", shape, 0, Parameter.NO_AXIS, scale),
          new Parameter("beta", shape, 0, Parameter.NO_AXIS, center),
          new Parameter("runningMean", shape, 0, Parameter.NO_AXIS, false),
          new Parameter("runningVar", shape, 0, Parameter.NO_AXIS, false));
    }
  }

  /**
   * A fully connected layer, weight of shape {@code [units, inFeatures]} (DJL's layout). Its input
   * is flat, or a feature map of size 1x1 such as a global pool gives. {@code inFeatures} of 0
   * means "whatever the input has".
   */
  record Linear(int units, int inFeatures, boolean bias) implements Layer {
    public Linear {
      checkArgument(units >= 1, "a linear layer needs at least 1 unit, found %s", units);
      checkArgument(
          inFeatures >= 0, "inFeatures must be positive (or 0 to infer), found %s", inFeatures);
    }

    /** A linear layer with bias whose input size is inferred. */
    public static Linear of(int units) {
      return new Linear(units, 0, true);
    }

    @Override
    public String kind() {
      return "linear";
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.visitLinear(this);
    }

    @Override
    public ChannelShape outputShape(LayerInputs inputs) {
      ChannelShape in = inputs.single();
      checkArgument(
          in.flat() || in.spatialSize() == 1,
          "linear '%s' needs flat input but '%s' gives a %s feature map; add a flatten "
              + "between them",
          inputs.layer(),
          inputs.name(0),
          in);
      checkArgument(
          inFeatures == 0 || inFeatures == in.channels(),
          "linear '%s' expects %s input features but '%s' gives %s",
          inputs.layer(),
          inFeatures,
          inputs.name(0),
          in.channels());
      return ChannelShape.flat(units);
    }

    @Override
    public ImmutableList<Parameter> parameters(ChannelShape input) {
      ImmutableList.Builder<Parameter> params = ImmutableList.builder();
      params.add(
          new Parameter("weight", ImmutableIntArray.of(units, input.channels()), 0, 1, true));
      if (bias) {
        params.add(new Parameter("bias", ImmutableIntArray.of(units), 0, Parameter.NO_AXIS, true));
      }
      return params.build();
    }
  }

  /**
   * An element-wise function. {@code zeroPreserving} says whether it maps 0 to 0 (ReLU does,
   * sigmoid does not); only then do zeroed channels stay zero through it, so channels that pass a
   * function that is not zero-preserving cannot be pruned.
   */
  record Activation(String function, boolean zeroPreserving) implements Layer {
    public static final Activation RELU = new Activation("relu", true);
    public static final Activation RELU6 = new Activation("relu6", true);
    public static final Activation LEAKY_RELU = new Activation("leaky_relu", true);
    public static final Activation GELU = new Activation("gelu", true);
    public static final Activation SILU = new Activation("silu", true);
    public static final Activation TANH = new Activation("tanh", true);
    public static final Activation SIGMOID = new Activation("sigmoid", false);
    public static final Activation SOFTPLUS = new Activation("softplus", false);

    public Activation {
      checkArgument(function != null && !function.isEmpty(), "an activation needs a function name");
    }

    @Override
    public String kind() {
      return function;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.visitActivation(this);
    }

    @Override
    public ChannelShape outputShape(LayerInputs inputs) {
      return inputs.single();
    }
  }

  /**
   * Max or average pooling over a square window, as PyTorch (and DJL) compute it. Max pooling
   * ignores padding (pads with minus infinity); average pooling counts it as zero, dividing by the
   * window's size within the padded input. With {@code ceilMode} the output size rounds up instead
   * of down, so that a last, partial window covers what remains of the input (DJL's SqueezeNet
   * pools this way). Either way a channel that is zero stays zero.
   *
   * @param pool max or average
   * @param kernel the window's height and width
   * @param stride the step between windows, on both axes
   * @param padding the padding on each side of both axes
   * @param ceilMode whether the output size rounds up (a partial last window) or down
   */
  record Pool2d(PoolKind pool, int kernel, int stride, int padding, boolean ceilMode)
      implements Layer {
    public Pool2d {
      checkArgument(pool != null, "a pool needs a kind, MAX or AVG");
      checkArgument(kernel >= 1, "pool kernel must be positive, found %s", kernel);
      checkArgument(stride >= 1, "pool stride must be positive, found %s", stride);
      checkArgument(padding >= 0, "pool padding must not be negative, found %s", padding);
    }

    /** Pooling whose output size rounds down, the usual kind. */
    public Pool2d(PoolKind pool, int kernel, int stride, int padding) {
      this(pool, kernel, stride, padding, false);
    }

    @Override
    public String kind() {
      return pool.name().toLowerCase(Locale.ROOT) + "pool2d";
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.visitPool2d(this);
    }

    /**
     * The output size along one axis for an input of {@code size} along it, by PyTorch's rule; less
     * than 1 when the window does not fit.
     */
    public int outputSize(int size) {
      int span = size + 2 * padding - kernel;
      if (!ceilMode) {
        return Math.floorDiv(span, stride) + 1;
      }
      int out = Math.floorDiv(span + stride - 1, stride) + 1;
      // A last window starting in the right-hand padding would see no input: PyTorch drops it.
      return (out - 1) * stride >= size + padding ? out - 1 : out;
    }

    @Override
    public ChannelShape outputShape(LayerInputs inputs) {
      ChannelShape in = inputs.single();
      checkArgument(
          !in.flat(),
          "%s '%s' needs a feature map but '%s' gives a flat %s",
          kind(),
          inputs.layer(),
          inputs.name(0),
          in);
      int height = outputSize(in.height());
      int width = outputSize(in.width());
      checkArgument(
          height >= 1 && width >= 1,
          "%s '%s' turns the %s input from '%s' into an empty %sx%s map",
          kind(),
          inputs.layer(),
          in,
          inputs.name(0),
          height,
          width);
      return ChannelShape.spatial(in.channels(), height, width);
    }
  }

  /** Pooling of each whole channel to a single value: {@code C x H x W -> C x 1 x 1}. */
  record GlobalPool(PoolKind pool) implements Layer {
    public GlobalPool {
      checkArgument(pool != null, "a global pool needs a kind, MAX or AVG");
    }

    @Override
    public String kind() {
      return "global" + pool.name().toLowerCase(Locale.ROOT) + "pool";
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.visitGlobalPool(this);
    }

    @Override
    public ChannelShape outputShape(LayerInputs inputs) {
      ChannelShape in = inputs.single();
      checkArgument(
          !in.flat(),
          "%s '%s' needs a feature map but '%s' gives a flat %s",
          kind(),
          inputs.layer(),
          inputs.name(0),
          in);
      return ChannelShape.spatial(in.channels(), 1, 1);
    }
  }

  /**
   * Flattens a feature map channel by channel: feature {@code j} of the output is position {@code j
   * % (H*W)} of channel {@code j / (H*W)}. A flat input passes unchanged.
   */
  record Flatten() implements Layer {
    @Override
    public String kind() {
      return "flatten";
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.visitFlatten(this);
    }

    @Override
    public ChannelShape outputShape(LayerInputs inputs) {
      ChannelShape in = inputs.single();
      return ChannelShape.flat(in.channels() * in.spatialSize());
    }
  }

  /** Element-wise sum of two or more tensors of one shape, as at the end of a residual unit. */
  record Add() implements Layer {
    @Override
    public String kind() {
      return "add";
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.visitAdd(this);
    }

    @Override
    public ChannelShape outputShape(LayerInputs inputs) {
      checkArgument(
          inputs.size() >= 2,
          "add '%s' needs at least 2 inputs, found %s",
          inputs.layer(),
          inputs.size());
      ChannelShape first = inputs.shape(0);
      for (int i = 1; i < inputs.size(); i++) {
        checkArgument(
            inputs.shape(i).equals(first),
            "add '%s' cannot add '%s' (%s) and '%s' (%s): shapes must be equal",
            inputs.layer(),
            inputs.name(0),
            first,
            inputs.name(i),
            inputs.shape(i));
      }
      return first;
    }
  }

  /** Concatenation along channels; the inputs share their spatial size. */
  record Concat() implements Layer {
    @Override
    public String kind() {
      return "concat";
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.visitConcat(this);
    }

    @Override
    public ChannelShape outputShape(LayerInputs inputs) {
      checkArgument(
          inputs.size() >= 2,
          "concat '%s' needs at least 2 inputs, found %s",
          inputs.layer(),
          inputs.size());
      ChannelShape first = inputs.shape(0);
      int channels = first.channels();
      for (int i = 1; i < inputs.size(); i++) {
        ChannelShape other = inputs.shape(i);
        checkArgument(
            other.flat() == first.flat()
                && other.height() == first.height()
                && other.width() == first.width(),
            "concat '%s' cannot join '%s' (%s) and '%s' (%s): spatial sizes must be equal",
            inputs.layer(),
            inputs.name(0),
            first,
            inputs.name(i),
            other);
        channels += other.channels();
      }
      return new ChannelShape(channels, first.height(), first.width(), first.flat());
    }
  }

  /** Passes its input unchanged (also stands for dropout, which is the identity at inference). */
  record Identity() implements Layer {
    @Override
    public String kind() {
      return "identity";
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.visitIdentity(this);
    }

    @Override
    public ChannelShape outputShape(LayerInputs inputs) {
      return inputs.single();
    }
  }

  /**
   * A layer whose insides are unknown: it gives {@code output} and holds {@code parameters}
   * trainable values. Its input and output channels are never pruned, and its FLOPs are not counted
   * (they cannot be); its parameters are. Lets a graph include a block an engine binding cannot
   * read, when the user asks for that instead of an error.
   *
   * @param description what the layer is, for messages (e.g. its class)
   * @param output the shape it gives
   * @param parameters its trainable values
   */
  record Opaque(String description, ChannelShape output, long parameters) implements Layer {
    public Opaque {
      checkArgument(
          description != null && output != null,
          "an opaque layer needs a description and an output shape");
      checkArgument(parameters >= 0, "a parameter count cannot be negative, found %s", parameters);
    }

    @Override
    public String kind() {
      return "opaque";
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.visitOpaque(this);
    }

    @Override
    public ChannelShape outputShape(LayerInputs inputs) {
      checkArgument(inputs.size() >= 1, "opaque layer '%s' needs an input", inputs.layer());
      return output;
    }

    @Override
    public ImmutableList<Parameter> parameters(ChannelShape input) {
      if (parameters == 0) {
        return ImmutableList.of();
      }
      // One flat stand-in, so that the values are counted; it follows no channel.
      return ImmutableList.of(
          new Parameter(
              "opaque",
              ImmutableIntArray.of(Math.toIntExact(parameters)),
              Parameter.NO_AXIS,
              Parameter.NO_AXIS,
              true));
    }
  }

  /** Which reduction a pooling layer applies. */
  enum PoolKind {
    MAX,
    AVG
  }

  /**
   * The named inputs of a layer being added to a graph, for shape inference and messages.
   *
   * @param layer the name of the layer the inputs feed
   * @param names the names of the input layers, in order
   * @param shapes their output shapes, in the same order
   */
  record LayerInputs(String layer, List<String> names, List<ChannelShape> shapes) {
    public LayerInputs {
      names = ImmutableList.copyOf(names);
      shapes = ImmutableList.copyOf(shapes);
      checkArgument(names.size() == shapes.size(), "one shape per input name");
    }

    int size() {
      return names.size();
    }

    String name(int i) {
      return names.get(i);
    }

    ChannelShape shape(int i) {
      return shapes.get(i);
    }

    ChannelShape single() {
      checkArgument(
          names.size() == 1,
          "layer '%s' takes exactly 1 input, found %s: %s",
          layer,
          names.size(),
          names);
      return shapes.get(0);
    }
  }

  private static int outputSize(int size, int kernel, int stride, int padding, int dilation) {
    return Math.floorDiv(size + 2 * padding - dilation * (kernel - 1) - 1, stride) + 1;
  }
}
