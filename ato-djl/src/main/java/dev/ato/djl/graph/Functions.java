package dev.ato.djl.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.pooling.Pool;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.ato.graph.Layer;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The parameter-free layers of a channel-flow graph as DJL operations: element-wise functions by
 * name, pooling, global pooling, flatten and identity. The reader identifies a DJL lambda by
 * comparing it with these; the compressed model runs them. One table serves both, so what is
 * identified is exactly what is later run.
 *
 * <p>Layout convention: global pooling gives {@code [N, C]} as DJL's does; operations that need a
 * feature map accept {@code [N, C]} as {@code [N, C, 1, 1]}.
 */
public final class Functions {

  /** Element-wise functions the reader recognises, by the name a graph records. */
  private static final ImmutableMap<String, Known> ELEMENTWISE =
      ImmutableMap.<String, Known>builder()
          .put("relu", new Known(Layer.Activation.RELU, Activation::relu))
          .put("relu6", new Known(Layer.Activation.RELU6, Activation::relu6))
          .put("sigmoid", new Known(Layer.Activation.SIGMOID, Activation::sigmoid))
          .put("tanh", new Known(Layer.Activation.TANH, Activation::tanh))
          .put("softplus", new Known(Layer.Activation.SOFTPLUS, Activation::softPlus))
          .put("gelu", new Known(Layer.Activation.GELU, Activation::gelu))
          .put("silu", new Known(Layer.Activation.SILU, x -> Activation.swish(x, 1f)))
          .put("mish", new Known(new Layer.Activation("mish", true), Activation::mish))
          .put("selu", new Known(new Layer.Activation("selu", true), Activation::selu))
          .put("elu", new Known(new Layer.Activation("elu", true), x -> Activation.elu(x, 1f)))
          .put("softsign", new Known(new Layer.Activation("softsign", true), Activation::softSign))
          .buildOrThrow();

  private static final String LEAKY_PREFIX = "leaky_relu:";

  private Functions() {}

  /** The element-wise functions tried when identifying a lambda, most common first. */
  static ImmutableList<Layer.Activation> knownActivations() {
    return ELEMENTWISE.values().stream().map(Known::layer).collect(ImmutableList.toImmutableList());
  }

  /**
   * The negative slope of the leaky ReLU that {@code function} names, or empty when it names
   * another function.
   */
  public static Optional<Float> leakyReluSlope(String function) {
    return function.startsWith(LEAKY_PREFIX)
        ? Optional.of(Float.parseFloat(function.substring(LEAKY_PREFIX.length())))
        : Optional.empty();
  }

  /**
   * Whether {@code function} names an element-wise function ato can run: a known one, or a leaky
   * ReLU of a finite slope.
   */
  public static boolean isKnown(String function) {
    if (function == null) {
      return false;
    }
    if (ELEMENTWISE.containsKey(function)) {
      return true;
    }
    try {
      return leakyReluSlope(function).map(Float::isFinite).orElse(false);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** A leaky ReLU with the given negative slope, named so that it can be run again. */
  static Layer.Activation leakyRelu(float alpha) {
    return new Layer.Activation(LEAKY_PREFIX + alpha, true);
  }

  /**
   * Applies a parameter-free, single-input layer to {@code x}.
   *
   * @throws IllegalArgumentException for a layer with parameters, a join, the input, an opaque
   *     layer or an unknown function
   */
  public static NDArray apply(Layer layer, NDArray x) {
    return layer.accept(new Apply(x));
  }

  /** Runs each parameter-free kind; the others have no meaning as a function of one array. */
  private static final class Apply implements Layer.Visitor<NDArray> {
    private final NDArray x;

    Apply(NDArray x) {
      this.x = x;
    }

    @Override
    public NDArray visitIdentity(Layer.Identity layer) {
      return x;
    }

    @Override
    public NDArray visitActivation(Layer.Activation layer) {
      return activation(layer.function()).apply(x);
    }

    @Override
    public NDArray visitFlatten(Layer.Flatten layer) {
      return x.reshape(x.getShape().get(0), -1);
    }

    @Override
    public NDArray visitGlobalPool(Layer.GlobalPool layer) {
      NDArray map = asFeatureMap(x);
      return layer.pool() == Layer.PoolKind.MAX
          ? Pool.globalMaxPool2d(map)
          : Pool.globalAvgPool2d(map);
    }

    @Override
    public NDArray visitPool2d(Layer.Pool2d layer) {
      Shape kernel = new Shape(layer.kernel(), layer.kernel());
      Shape stride = new Shape(layer.stride(), layer.stride());
      Shape padding = new Shape(layer.padding(), layer.padding());
      NDArray map = asFeatureMap(x);
      // Padding counted: DJL's PyTorch engine counts it whatever countIncludePad says.
      return layer.pool() == Layer.PoolKind.MAX
          ? Pool.maxPool2d(map, kernel, stride, padding, layer.ceilMode())
          : Pool.avgPool2d(map, kernel, stride, padding, layer.ceilMode(), true);
    }

    @Override
    public NDArray visitInput(Layer.Input layer) {
      throw notAFunction(layer);
    }

    @Override
    public NDArray visitConv2d(Layer.Conv2d layer) {
      throw notAFunction(layer);
    }

    @Override
    public NDArray visitBatchNorm(Layer.BatchNorm layer) {
      throw notAFunction(layer);
    }

    @Override
    public NDArray visitLinear(Layer.Linear layer) {
      throw notAFunction(layer);
    }

    @Override
    public NDArray visitAdd(Layer.Add layer) {
      throw notAFunction(layer);
    }

    @Override
    public NDArray visitConcat(Layer.Concat layer) {
      throw notAFunction(layer);
    }

    @Override
    public NDArray visitOpaque(Layer.Opaque layer) {
      throw notAFunction(layer);
    }

    private static IllegalArgumentException notAFunction(Layer layer) {
      return new IllegalArgumentException(
          "'"
              + layer.kind()
              + "' is not a parameter-free "
              + "layer of one input that ato can run; ato runs identity, element-wise functions, "
              + "pooling, global pooling and flatten this way");
    }
  }

  /** A 2-D {@code [N, C]} array as the {@code [N, C, 1, 1]} map it stands for. */
  public static NDArray asFeatureMap(NDArray x) {
    Shape shape = x.getShape();
    return shape.dimension() == 2 ? x.reshape(shape.get(0), shape.get(1), 1, 1) : x;
  }

  /** A {@code [N, C, 1, 1]} map as the {@code [N, C]} features it stands for. */
  public static NDArray asFeatures(NDArray x) {
    Shape shape = x.getShape();
    return shape.dimension() == 4 ? x.reshape(shape.get(0), -1) : x;
  }

  private static UnaryOperator<NDArray> activation(String function) {
    Known known = ELEMENTWISE.get(function);
    if (known != null) {
      return known.function();
    }
    Optional<Float> slope = leakyReluSlope(function);
    if (slope.isPresent()) {
      float alpha = slope.get();
      return x -> Activation.leakyRelu(x, alpha);
    }
    throw new IllegalArgumentException(
        "unknown element-wise function '"
            + function
            + "'; known: "
            + String.join(", ", ELEMENTWISE.keySet())
            + ", "
            + LEAKY_PREFIX
            + "<alpha>");
  }

  private record Known(Layer.Activation layer, UnaryOperator<NDArray> function) {}
}
