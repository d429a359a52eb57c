package dev.ato.djl.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.training.ParameterStore;
import dev.ato.djl.engine.DjlInternals;
import dev.ato.djl.tensor.RandomArrays;
import dev.ato.graph.ChannelShape;
import dev.ato.graph.Layer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Finds out what an opaque DJL function computes by running it and comparing it with the functions
 * ato knows. DJL hides element-wise functions, pooling, flatten and the joins of {@link
 * ParallelBlock}s inside lambdas, often unnamed ({@code add(Activation::relu)}); a name or a shape
 * alone would let a ReLU6 pass for a ReLU or an add+ReLU for an add. Each lambda is therefore run
 * on a synthetic input of wide range (standard deviation 4, so that ReLU6's ceiling and leaky
 * slopes show) and must match a candidate to within float tolerance; a lambda that matches none is
 * an error naming the block, or, when the reader is asked to, an opaque layer.
 */
final class FunctionIdentifier {

  /** How a parallel block joins its branches. */
  enum Join {
    ADD,
    ADD_RELU,
    CONCAT
  }

  private static final double RTOL = 1e-4;
  private static final double ATOL = 1e-5;
  private static final int MAX_POOL_WINDOW = 7;

  private final NDManager manager;
  private final ParameterStore store;
  private final SplittableRandom random;

  FunctionIdentifier(NDManager manager, ParameterStore store, long seed) {
    this.manager = manager;
    this.store = store;
    this.random = new SplittableRandom(seed);
  }

  /**
   * The graph layer that {@code lambda} computes on inputs of runtime shape {@code input}, or empty
   * when it matches none of the known functions (see {@link #unidentified}).
   *
   * @param coreInput the graph shape of the lambda's input, to tell a reshape that the graph
   *     already accounts for from one it cannot follow
   */
  Optional<Layer> identify(LambdaBlock lambda, Shape input, ChannelShape coreInput) {
    NDArray x = wideRandom(input);
    NDArray y = lambda.forward(store, new NDList(x), false).singletonOrThrow();
    Shape out = y.getShape();
    if (out.equals(input)) {
      Optional<Layer> elementwise = elementwise(x, y);
      if (elementwise.isPresent()) {
        return elementwise;
      }
    }
    if (input.dimension() == 4 && out.dimension() == 4 && out.get(1) == input.get(1)) {
      Optional<Layer> pool = pooling(x, y);
      if (pool.isPresent()) {
        return pool;
      }
    }
    if (input.dimension() == 4 && out.dimension() == 2 && out.get(1) == input.get(1)) {
      // On a 1x1 map, a flatten and a global pool agree; the global pool keeps the graph's
      // feature-map shape, so that a later reshape back to [N, C, 1, 1] stays readable.
      for (Layer.PoolKind kind : Layer.PoolKind.values()) {
        Layer.GlobalPool pool = new Layer.GlobalPool(kind);
        if (close(y, Functions.apply(pool, x))) {
          return Optional.of(pool);
        }
      }
    }
    if (out.dimension() == 2
        && out.get(1) == input.size() / input.get(0)
        && close(y, x.reshape(out))) {
      return Optional.of(new Layer.Flatten());
    }
    if (input.dimension() == 2
        && out.dimension() == 4
        && out.get(2) * out.get(3) == 1
        && out.get(1) == input.get(1)
        && close(y, x.reshape(out))
        && !coreInput.flat()) {
      return Optional.of(new Layer.Identity());
    }
    return Optional.empty();
  }

  /**
   * Why {@code lambda}, found at {@code path}, mapping {@code input} to {@code output}, could not
   * be read: what was tried, and the ways out.
   */
  static String unidentified(LambdaBlock lambda, String path, Shape input, Shape output) {
    return String.format(
        "cannot identify LambdaBlock '%s' (named '%s'): it maps %s to %s and matches none of "
            + "identity, the element-wise functions %s, leaky ReLU, max/avg pooling up to %dx%d "
            + "(floor or ceil mode), global pooling, flatten or a [N, C] -> [N, C, 1, 1] "
            + "reshape after global pooling; replace it with one of those or with a DJL block "
            + "ato reads, or read with ReadOptions.opaqueUnknownBlocks() to keep its channels "
            + "unpruned",
        path, lambda.getName(), input, output, knownNames(), MAX_POOL_WINDOW, MAX_POOL_WINDOW);
  }

  /**
   * How {@code block} joins its branches, whose outputs (for the real input) are {@code
   * branchOutputs} and whose joined output is {@code joined}.
   */
  Join identifyJoin(ParallelBlock block, String path, List<NDArray> branchOutputs, NDArray joined) {
    // The join applied to wide random probes, not to the real branch outputs: ReLU after a
    // sum is invisible on outputs that are all positive already.
    Function<List<NDList>, NDList> function = DjlInternals.parallelJoin(block);
    List<NDArray> probes = widen(branchOutputs);
    NDArray result =
        function
            .apply(probes.stream().map(NDList::new).collect(Collectors.toList()))
            .singletonOrThrow();
    boolean sameShapes =
        probes.stream().allMatch(p -> p.getShape().equals(probes.get(0).getShape()));
    if (sameShapes && result.getShape().equals(probes.get(0).getShape())) {
      NDArray sum = NDArrays.add(probes.toArray(new NDArray[0]));
      if (close(result, sum)) {
        return Join.ADD;
      }
      if (close(result, sum.getNDArrayInternal().relu())) {
        return Join.ADD_RELU;
      }
    }
    if (probes.stream().allMatch(p -> p.getShape().dimension() >= 2)) {
      NDList parts = new NDList(probes.toArray(new NDArray[0]));
      try {
        NDArray concat = NDArrays.concat(parts, 1);
        if (concat.getShape().equals(result.getShape()) && close(result, concat)) {
          return Join.CONCAT;
        }
      } catch (IllegalArgumentException | ai.djl.engine.EngineException e) {
        // Branches that cannot be concatenated along channels: not a concat.
      }
    }
    List<Shape> shapes = new ArrayList<>();
    branchOutputs.forEach(b -> shapes.add(b.getShape()));
    throw new IllegalArgumentException(
        String.format(
            "cannot identify how ParallelBlock '%s' joins its branches (outputs %s into %s): ato "
                + "reads sum, sum followed by ReLU, and concatenation along channels",
            path, shapes, joined.getShape()));
  }

  /** Wide synthetic stand-ins for the branch outputs: they separate add from add+ReLU(6). */
  private List<NDArray> widen(List<NDArray> branchOutputs) {
    List<NDArray> probes = new ArrayList<>();
    for (NDArray branch : branchOutputs) {
      probes.add(wideRandom(branch.getShape()));
    }
    return probes;
  }

  private Optional<Layer> elementwise(NDArray x, NDArray y) {
    if (close(y, x)) {
      return Optional.of(new Layer.Identity());
    }
    for (Layer.Activation activation : Functions.knownActivations()) {
      if (close(y, Functions.apply(activation, x))) {
        return Optional.of(activation);
      }
    }
    // Leaky ReLU: the slope is whatever maps negative inputs to their outputs.
    float[] in = x.toFloatArray();
    float[] out = y.toFloatArray();
    for (int i = 0; i < in.length; i++) {
      if (in[i] < -1) {
        Layer.Activation leaky = Functions.leakyRelu(out[i] / in[i]);
        if (close(y, Functions.apply(leaky, x))) {
          return Optional.of(leaky);
        }
        break;
      }
    }
    return Optional.empty();
  }

  /**
   * Tries max and average pooling over every square window up to {@link #MAX_POOL_WINDOW} whose
   * output size fits. Average pooling counts padding: DJL 0.35.1's PyTorch engine ignores {@code
   * countIncludePad=false} (its JNI never passes the flag to libtorch), so a block asking for it
   * computes exactly this; were the flag ever honoured, such a block would match nothing and stop
   * the reader rather than be misread.
   */
  private Optional<Layer> pooling(NDArray x, NDArray y) {
    int height = Math.toIntExact(x.getShape().get(2));
    int width = Math.toIntExact(x.getShape().get(3));
    for (int kernel = 1; kernel <= MAX_POOL_WINDOW; kernel++) {
      for (int stride = 1; stride <= MAX_POOL_WINDOW; stride++) {
        for (int padding = 0; padding <= kernel / 2; padding++) {
          // Where rounding up gives the size rounding down gives, the windows are the same:
          // such a pool reads as the usual floor mode.
          boolean ceilMode;
          if (gives(
              new Layer.Pool2d(Layer.PoolKind.MAX, kernel, stride, padding, false),
              height,
              width,
              y)) {
            ceilMode = false;
          } else if (gives(
              new Layer.Pool2d(Layer.PoolKind.MAX, kernel, stride, padding, true),
              height,
              width,
              y)) {
            ceilMode = true;
          } else {
            continue;
          }
          for (Layer.PoolKind kind : Layer.PoolKind.values()) {
            Layer.Pool2d pool = new Layer.Pool2d(kind, kernel, stride, padding, ceilMode);
            if (close(y, Functions.apply(pool, x))) {
              return Optional.of(pool);
            }
          }
        }
      }
    }
    return Optional.empty();
  }

  /** Whether {@code pool} turns a {@code height x width} map into one of {@code y}'s size. */
  private static boolean gives(Layer.Pool2d pool, int height, int width, NDArray y) {
    return pool.outputSize(height) == y.getShape().get(2)
        && pool.outputSize(width) == y.getShape().get(3);
  }

  private NDArray wideRandom(Shape shape) {
    return RandomArrays.gaussian(manager, shape, 4, random);
  }

  private static boolean close(NDArray actual, NDArray expected) {
    return actual.getShape().equals(expected.getShape())
        && actual.allClose(expected, RTOL, ATOL, false);
  }

  private static String knownNames() {
    List<String> names = new ArrayList<>();
    Functions.knownActivations().forEach(a -> names.add(a.function()));
    return String.join(", ", names);
  }
}
