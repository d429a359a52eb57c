package dev.ato.djl.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.ato.graph.ChannelGraph;
import dev.ato.graph.ChannelShape;
import dev.ato.graph.Layer;
import dev.ato.groups.GroupMask;
import dev.ato.groups.GroupSet;
import dev.ato.groups.ZeroInvariantGroups;
import dev.ato.projection.GroupLassoProjector;
import dev.ato.projection.HalfSpaceProjector;
import dev.ato.projection.ParameterSource;
import dev.ato.projection.ProjectionStep;
import dev.ato.projection.Projector;
import dev.ato.tensor.ArrayTensor;
import dev.ato.tensor.ArrayTensorOps;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import dev.ato.djl.testing.ManagedTest;
import org.junit.jupiter.api.Test;

/**
 * The NDArray backend agrees with the plain-Java reference backend of ato-core, operation by
 * operation and through whole projections, and leaves no temporaries behind.
 */
class NDArrayOpsTest extends ManagedTest {

  private static final int[] SHAPE = {4, 3, 2, 2};


  @Test
  void reductionsAlongEveryAxisMatchTheReferenceBackend() {
    float[] a = random(48, 1);
    float[] b = random(48, 2);
    for (int axis = 0; axis < SHAPE.length; axis++) {
      assertThat(NDArrayOps.INSTANCE.sumOfSquares(nd(a, SHAPE), axis)).containsExactly(
          ArrayTensorOps.INSTANCE.sumOfSquares(ArrayTensor.of(a, SHAPE), axis), within(1e-5));
      assertThat(NDArrayOps.INSTANCE.dot(nd(a, SHAPE), nd(b, SHAPE), axis)).containsExactly(
          ArrayTensorOps.INSTANCE.dot(ArrayTensor.of(a, SHAPE), ArrayTensor.of(b, SHAPE), axis),
          within(1e-5));
    }
  }

  @Test
  void aVectorIsReducedToItself() {
    assertThat(NDArrayOps.INSTANCE.sumOfSquares(nd(new float[] {1, -2, 3}, 3), 0))
        .containsExactly(1, 4, 9);
  }

  @Test
  void scalingAlongAnAxisMatchesTheReferenceBackend() {
    float[] a = random(48, 3);
    double[] factors = {0, 0.5, 2};
    NDArray array = nd(a, SHAPE);
    ArrayTensor reference = ArrayTensor.of(a, SHAPE);

    NDArrayOps.INSTANCE.scaleInPlace(array, 1, factors);
    ArrayTensorOps.INSTANCE.scaleInPlace(reference, 1, factors);

    assertThat(array.toFloatArray()).usingComparatorWithPrecision(1e-6f)
        .containsExactly(reference.toArray());
  }

  @Test
  void projectionsGiveTheSameParametersOnBothBackends() {
    GroupSet groups = mlpGroups();
    GroupMask mask = GroupMask.of(false, true, false, false, true, false, true);
    for (Projector projector : new Projector[] {
        GroupLassoProjector.of(groups), HalfSpaceProjector.of(groups, 0.3)}) {
      Map<String, float[]> before = mlpValues(5);
      Map<String, float[]> after = mlpValues(6);
      Map<String, NDArray> ndAfter = new HashMap<>();
      Map<String, NDArray> ndBefore = new HashMap<>();
      Map<String, ArrayTensor> refAfter = new HashMap<>();
      Map<String, ArrayTensor> refBefore = new HashMap<>();
      after.forEach((k, v) -> {
        ndAfter.put(k, nd(v, shapeOf(k)));
        refAfter.put(k, ArrayTensor.of(v, shapeOf(k)));
      });
      before.forEach((k, v) -> {
        ndBefore.put(k, nd(v, shapeOf(k)));
        refBefore.put(k, ArrayTensor.of(v, shapeOf(k)));
      });

      projector.projectInPlace(NDArrayOps.INSTANCE, new ProjectionStep<>(source(ndAfter),
          Optional.of(source(ndBefore)), mask, 0.1, 3));
      projector.projectInPlace(ArrayTensorOps.INSTANCE, new ProjectionStep<>(source(refAfter),
          Optional.of(source(refBefore)), mask, 0.1, 3));

      for (String key : after.keySet()) {
        assertThat(ndAfter.get(key).toFloatArray()).as("%s after %s", key, projector)
            .usingComparatorWithPrecision(1e-5f).containsExactly(refAfter.get(key).toArray());
      }
    }
  }

  @Test
  void aProjectionLeavesNoTemporaryArrays() {
    GroupSet groups = mlpGroups();
    Map<String, NDArray> params = new HashMap<>();
    mlpValues(9).forEach((k, v) -> params.put(k, nd(v, shapeOf(k))));
    int live = manager.getManagedArrays().size();

    for (int step = 0; step < 50; step++) {
      GroupLassoProjector.of(groups).projectInPlace(NDArrayOps.INSTANCE, new ProjectionStep<>(
          source(params), Optional.empty(), GroupMask.of(false, true, true, false, true, true,
              false), 0.01, 1));
    }

    assertThat(manager.getManagedArrays()).hasSize(live);
  }

  @Test
  void aMissingAxisIsNamed() {
    assertThatThrownBy(() -> NDArrayOps.INSTANCE.sumOfSquares(nd(new float[4], 2, 2), 2))
        .hasMessage("axis 2 does not exist in a tensor of shape (2, 2)");
  }

  /** data (3) -> h1 (4 units) -> relu -> h2 (3 units) -> relu -> out (2): 7 groups. */
  private static GroupSet mlpGroups() {
    ChannelGraph.Builder b = ChannelGraph.builder("mlp");
    String x = b.input("data", ChannelShape.flat(3));
    x = b.add("relu1", Layer.Activation.RELU, b.add("h1", Layer.Linear.of(4), x));
    x = b.add("relu2", Layer.Activation.RELU, b.add("h2", Layer.Linear.of(3), x));
    b.add("out", Layer.Linear.of(2), x);
    return ZeroInvariantGroups.find(b.build());
  }

  private static Map<String, float[]> mlpValues(long seed) {
    Map<String, float[]> values = new HashMap<>();
    for (String key : new String[] {"h1.weight", "h1.bias", "h2.weight", "h2.bias"}) {
      int size = 1;
      for (int dim : shapeOf(key)) {
        size *= dim;
      }
      values.put(key, random(size, seed++));
    }
    return values;
  }

  private static int[] shapeOf(String key) {
    switch (key) {
      case "h1.weight": return new int[] {4, 3};
      case "h1.bias": return new int[] {4};
      case "h2.weight": return new int[] {3, 4};
      case "h2.bias": return new int[] {3};
      default: throw new IllegalArgumentException(key);
    }
  }

  private static <T> ParameterSource<T> source(Map<String, T> tensors) {
    return (layer, parameter) -> tensors.get(layer + "." + parameter);
  }

  private NDArray nd(float[] values, int... shape) {
    long[] dims = new long[shape.length];
    for (int i = 0; i < shape.length; i++) {
      dims[i] = shape[i];
    }
    return manager.create(values, new Shape(dims));
  }

  private static float[] random(int size, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] values = new float[size];
    for (int i = 0; i < size; i++) {
      values[i] = (float) random.nextDouble(-1, 1);
    }
    return values;
  }
}
