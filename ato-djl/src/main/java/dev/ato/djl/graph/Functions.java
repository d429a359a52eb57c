package dev.ato.djl.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.pooling.Pool;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.ato.graph.Layer;
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
  private static final ImmutableMap<String, Known> ELEMENTWISE = ImmutableMap.<String, Known>builder()
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
    return ELEMENTWISE.values().stream().map(Known::layer)
        .collect(ImmutableList.toImmutableList());
  }

  /** A leaky ReLU with the given negative slope, named so that it can be run again. */
  static Layer.Activation leakyRelu(float alpha) {
    return new Layer.Activation(LEAKY_PREFIX + alpha, true);
  }

  /**
   * Applies a parameter-free layer to {@code x}.
   *
   * @throws IllegalArgumentException for a layer with parameters or an unknown function
   */
  public static NDArray apply(Layer layer, NDArray x) {
    if (layer instanceof Layer.Identity) {
      return x;
    }
    if (layer instanceof Layer.Activation activation) {
      return activation(activation.function()).apply(x);
    }
    if (layer instanceof Layer.Flatten) {
      return x.reshape(x.getShape().get(0), -1);
    }
    if (layer instanceof Layer.GlobalPool pool) {
      NDArray map = asFeatureMap(x);
      return pool.pool() == Layer.PoolKind.MAX ? Pool.globalMaxPool2d(map)
          : Pool.globalAvgPool2d(map);
    }
    if (layer instanceof Layer.Pool2d pool) {
      Shape kernel = new Shape(pool.kernel(), pool.kernel());
      Shape stride = new Shape(pool.stride(), pool.stride());
      Shape padding = new Shape(pool.padding(), pool.padding());
      NDArray map = asFeatureMap(x);
      return pool.pool() == Layer.PoolKind.MAX
          ? Pool.maxPool2d(map, kernel, stride, padding, false)
          : Pool.avgPool2d(map, kernel, stride, padding, false, true);
    }
    throw new IllegalArgumentException(
        "'" + layer.kind() + "' is not a parameter-free layer ato can run");
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
    if (function.startsWith(LEAKY_PREFIX)) {
      float alpha = Float.parseFloat(function.substring(LEAKY_PREFIX.length()));
      return x -> Activation.leakyRelu(x, alpha);
    }
    throw new IllegalArgumentException("unknown element-wise function '" + function
        + "'; known: " + String.join(", ", ELEMENTWISE.keySet()) + ", "
        + LEAKY_PREFIX + "<alpha>");
  }

  private record Known(Layer.Activation layer, UnaryOperator<NDArray> function) {}
}
