package dev.ato.djl.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ato.djl.testing.ManagedTest;
import dev.ato.graph.ChannelGraph;
import dev.ato.graph.ChannelShape;
import dev.ato.graph.Layer;
import dev.ato.groups.GroupMask;
import dev.ato.groups.GroupSet;
import dev.ato.groups.ZeroInvariantGroups;
import dev.ato.projection.GroupLassoProjector;
import dev.ato.projection.GroupNorms;
import dev.ato.projection.HalfSpaceProjector;
import dev.ato.projection.ParameterSource;
import dev.ato.projection.Projector;
import dev.ato.tensor.ArrayTensor;
import dev.ato.tensor.ArrayTensorOps;
import dev.ato.tensor.TensorOps;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The NDArray backend agrees with the plain-Java reference backend of ato-core, operation by
 * operation and through whole projections, and leaves no temporaries behind.
 */
class NDArrayOpsTest extends ManagedTest {

  private static final int[] SHAPE = {4, 3, 2, 2};

  private final NDArrayOps ops = NDArrayOps.INSTANCE;

  @Test
  void reductionsAlongEveryAxisMatchTheReferenceBackend() {
    float[] a = random(48, 1);
    float[] b = random(48, 2);
    for (int axis = 0; axis < SHAPE.length; axis++) {
      assertThat(ops.download(ops.sumOfSquares(nd(a, SHAPE), axis)))
          .containsExactly(
              ArrayTensorOps.INSTANCE.sumOfSquares(ArrayTensor.of(a, SHAPE), axis), within(1e-5));
      assertThat(ops.download(ops.dot(nd(a, SHAPE), nd(b, SHAPE), axis)))
          .containsExactly(
              ArrayTensorOps.INSTANCE.dot(ArrayTensor.of(a, SHAPE), ArrayTensor.of(b, SHAPE), axis),
              within(1e-5));
    }
  }

  @Test
  void aVectorIsReducedToItself() {
    assertThat(ops.download(ops.sumOfSquares(nd(new float[] {1, -2, 3}, 3), 0)))
        .containsExactly(1, 4, 9);
  }

  @Test
  void scalingAlongAnAxisMatchesTheReferenceBackend() {
    float[] a = random(48, 3);
    double[] factors = {0, 0.5, 2};
    NDArray array = nd(a, SHAPE);
    ArrayTensor reference = ArrayTensor.of(a, SHAPE);

    ops.scaleInPlace(array, 1, ops.upload(factors, array));
    ArrayTensorOps.INSTANCE.scaleInPlace(reference, 1, factors);

    assertThat(array.toFloatArray())
        .usingComparatorWithPrecision(1e-6f)
        .containsExactly(reference.toArray());
  }

  @Test
  void projectionsGiveTheSameParametersOnBothBackends() {
    GroupSet groups = mlpGroups();
    GroupMask mask = GroupMask.of(false, true, false, false, true, false, true);
    for (Projector projector :
        new Projector[] {GroupLassoProjector.of(groups), HalfSpaceProjector.of(groups, 0.3)}) {
      assertBackendsAgree(projector, mask, mlpValues(5), mlpValues(6), 0.1, 0);
    }
  }

  @Test
  void projectionsOfGroupsOfDifferentSizesGiveTheSameParametersOnBothBackends() {
    // h1's groups hold four slices (weight row, bias, gamma, beta), h2's two: two buckets.
    GroupSet groups = bnMlpGroups();
    GroupMask mask = GroupMask.of(false, true, false, false, true, false, true);
    for (long projectionsLeft : new long[] {0, 3}) {
      for (Projector projector :
          new Projector[] {GroupLassoProjector.of(groups), HalfSpaceProjector.of(groups, 0.3)}) {
        assertBackendsAgree(projector, mask, bnMlpValues(7), bnMlpValues(8), 0.2, projectionsLeft);
      }
    }
  }

  /** One projection step on NDArrays and on the plain-Java reference ends with equal values. */
  private void assertBackendsAgree(
      Projector projector,
      GroupMask mask,
      Map<String, float[]> before,
      Map<String, float[]> after,
      double learningRate,
      long projectionsLeft) {
    Map<String, NDArray> ndAfter = new HashMap<>();
    Map<String, NDArray> ndBefore = new HashMap<>();
    Map<String, ArrayTensor> refAfter = new HashMap<>();
    Map<String, ArrayTensor> refBefore = new HashMap<>();
    after.forEach(
        (k, v) -> {
          ndAfter.put(k, nd(v, shapeOf(k)));
          refAfter.put(k, ArrayTensor.of(v, shapeOf(k)));
        });
    before.forEach(
        (k, v) -> {
          ndBefore.put(k, nd(v, shapeOf(k)));
          refBefore.put(k, ArrayTensor.of(v, shapeOf(k)));
        });

    projector.projectInPlace(
        ops,
        new Projector.Step<>(
            source(ndAfter),
            Optional.of(source(ndBefore)),
            mask,
            learningRate,
            3,
            projectionsLeft));
    projector.projectInPlace(
        ArrayTensorOps.INSTANCE,
        new Projector.Step<>(
            source(refAfter),
            Optional.of(source(refBefore)),
            mask,
            learningRate,
            3,
            projectionsLeft));

    for (String key : after.keySet()) {
      assertThat(ndAfter.get(key).toFloatArray())
          .as("%s after %s, %s projections left", key, projector, projectionsLeft)
          .usingComparatorWithPrecision(1e-5f)
          .containsExactly(refAfter.get(key).toArray());
    }
  }

  @Test
  void groupNormsAgreeWithTheReferenceBackend() {
    GroupSet groups = bnMlpGroups();
    Map<String, NDArray> nd = new HashMap<>();
    Map<String, ArrayTensor> ref = new HashMap<>();
    bnMlpValues(4)
        .forEach(
            (k, v) -> {
              nd.put(k, nd(v, shapeOf(k)));
              ref.put(k, ArrayTensor.of(v, shapeOf(k)));
            });

    assertThat(GroupNorms.of(groups).compute(ops, source(nd)))
        .containsExactly(
            GroupNorms.of(groups).compute(ArrayTensorOps.INSTANCE, source(ref)), within(1e-6));
  }

  @Test
  void vectorsAreFloat64OnTheTensorsDevice() {
    NDArray tensor = nd(random(48, 4), SHAPE);

    NDArray uploaded = ops.upload(new double[] {0.1, 2}, tensor);
    NDArray sums = ops.sumOfSquares(tensor, 1);

    for (NDArray vector : new NDArray[] {uploaded, sums}) {
      assertThat(vector.getDataType()).isEqualTo(DataType.FLOAT64);
      assertThat(vector.getDevice()).isEqualTo(tensor.getDevice());
    }
    assertThat(ops.download(uploaded)).containsExactly(0.1, 2);
  }

  @Test
  void vectorOperationsMatchTheReferenceBackend() {
    NDArray near = nd(new float[] {0}, 1);
    ArrayTensorOps ref = ArrayTensorOps.INSTANCE;
    double[] a = {4, 0, 2.25, 9, -1, 6};
    double[] b = {2, 3, 0, 9, 5, 0.5};
    double[] one = {1};
    double[] positions = {5, 0, 0, 3};
    NDArray ndA = ops.upload(a, near);
    NDArray ndB = ops.upload(b, near);
    NDArray ndOne = ops.upload(one, near);

    assertThat(ops.download(ops.sqrt(ops.upload(new double[] {4, 0, 2.25}, near))))
        .containsExactly(ref.sqrt(new double[] {4, 0, 2.25}));
    assertThat(ops.download(ops.sub(ndOne, ndA))).containsExactly(ref.sub(one, a));
    assertThat(ops.download(ops.mul(ndA, ndB))).containsExactly(ref.mul(a, b));
    assertThat(ops.download(ops.div(ndA, ndB))).containsExactly(ref.div(a, b));
    assertThat(ops.download(ops.maximum(ndA, ndB))).containsExactly(ref.maximum(a, b));
    assertThat(ops.download(ops.lessThan(ndA, ndB))).containsExactly(ref.lessThan(a, b));
    assertThat(ops.download(ops.whereZero(ndB, ndOne, ndA)))
        .containsExactly(ref.whereZero(b, one, a));
    assertThat(ops.download(ops.whereZero(ndB, ndA, ndOne)))
        .containsExactly(ref.whereZero(b, a, one));
    assertThat(ops.download(ops.take(ndA, ops.upload(positions, near))))
        .containsExactly(ref.take(a, positions));
    assertThat(ops.download(ops.rowSums(ndA, 3))).containsExactly(ref.rowSums(a, 3));
    assertThat(ops.download(ops.concat(List.of(ndA, ndOne))))
        .containsExactly(ref.concat(List.of(a, one)));
    List<NDArray> parts = ops.split(ndA, 2, 0, 4);
    assertThat(parts).hasSize(3);
    assertThat(ops.download(parts.get(0))).containsExactly(4, 0);
    assertThat(ops.download(parts.get(1))).isEmpty();
    assertThat(ops.download(parts.get(2))).containsExactly(2.25, 9, -1, 6);
  }

  @Test
  void reductionsOfSeveralTensorsFollowOneAnother() {
    float[] w = random(48, 5);
    float[] bias = {1, -2, 3};

    double[] sums =
        ops.download(ops.sumOfSquares(List.of(nd(w, SHAPE), nd(bias, 3)), new int[] {1, 0}));

    assertThat(sums)
        .containsExactly(
            ArrayTensorOps.INSTANCE.sumOfSquares(
                List.of(ArrayTensor.of(w, SHAPE), ArrayTensor.of(bias, 3)), new int[] {1, 0}),
            within(1e-5));
  }

  @Test
  void scalingSeveralTensorsTakesTheirFactorsOneTensorAfterAnother() {
    NDArray w = nd(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    NDArray bias = nd(new float[] {1, -2}, 2);

    ops.scaleInPlace(
        List.of(w, bias), new int[] {1, 0}, ops.upload(new double[] {0, 0.5, 2, 3, -1}, w));

    assertThat(w.toFloatArray()).containsExactly(0, 1, 6, 0, 2.5f, 12);
    assertThat(bias.toFloatArray()).containsExactly(3, 2);
  }

  @Test
  void aScopeClosesTheVectorsMadeInIt() {
    NDArray tensor = nd(random(48, 6), SHAPE);
    NDArray sums;
    NDArray uploaded;
    try (TensorOps.Scope ignored = ops.openScope()) {
      sums = ops.sumOfSquares(tensor, 0);
      uploaded = ops.upload(new double[] {1}, tensor);
    }

    assertThat(sums.isReleased()).isTrue();
    assertThat(uploaded.isReleased()).isTrue();
    assertThat(tensor.isReleased()).isFalse();
  }

  @Test
  void projectionsAndNormsLeaveNoTemporaryArrays() {
    GroupSet groups = bnMlpGroups();
    Map<String, NDArray> params = new HashMap<>();
    Map<String, NDArray> before = new HashMap<>();
    bnMlpValues(9).forEach((k, v) -> params.put(k, nd(v, shapeOf(k))));
    bnMlpValues(10).forEach((k, v) -> before.put(k, nd(v, shapeOf(k))));
    GroupMask mask = GroupMask.of(false, true, true, false, true, true, false);
    GroupLassoProjector lasso = GroupLassoProjector.of(groups);
    HalfSpaceProjector halfSpace = HalfSpaceProjector.of(groups, 0.1);
    GroupNorms norms = GroupNorms.of(groups);
    int live = manager.getManagedArrays().size();

    for (int step = 0; step < 20; step++) {
      lasso.projectInPlace(
          ops, new Projector.Step<>(source(params), Optional.empty(), mask, 0.01, 1, 20 - step));
      halfSpace.projectInPlace(
          ops, new Projector.Step<>(source(params), Optional.of(source(before)), mask, 0.01, 1));
      norms.compute(ops, source(params));
    }

    assertThat(manager.getManagedArrays()).hasSize(live);
  }

  @Test
  void aProjectionLeavesNoTemporaryArrays() {
    GroupSet groups = mlpGroups();
    Map<String, NDArray> params = new HashMap<>();
    mlpValues(9).forEach((k, v) -> params.put(k, nd(v, shapeOf(k))));
    int live = manager.getManagedArrays().size();

    for (int step = 0; step < 50; step++) {
      GroupLassoProjector.of(groups)
          .projectInPlace(
              NDArrayOps.INSTANCE,
              new Projector.Step<>(
                  source(params),
                  Optional.empty(),
                  GroupMask.of(false, true, true, false, true, true, false),
                  0.01,
                  1));
    }

    assertThat(manager.getManagedArrays()).hasSize(live);
  }

  @Test
  void aMissingAxisIsNamed() {
    assertThatThrownBy(() -> ops.sumOfSquares(nd(new float[4], 2, 2), 2))
        .hasMessage("axis 2 does not exist in a tensor of shape (2, 2)");
  }

  /**
   * data (3) -> h1 (4 units) -> bn -> relu -> h2 (3 units) -> relu -> out (2): 7 groups, those of
   * h1 with four slices each, those of h2 with two.
   */
  private static GroupSet bnMlpGroups() {
    ChannelGraph.Builder b = ChannelGraph.builder("bn-mlp");
    String x = b.input("data", ChannelShape.flat(3));
    x =
        b.add(
            "relu1",
            Layer.Activation.RELU,
            b.add("bn", new Layer.BatchNorm(0), b.add("h1", Layer.Linear.of(4), x)));
    x = b.add("relu2", Layer.Activation.RELU, b.add("h2", Layer.Linear.of(3), x));
    b.add("out", Layer.Linear.of(2), x);
    return ZeroInvariantGroups.find(b.build());
  }

  private static Map<String, float[]> bnMlpValues(long seed) {
    Map<String, float[]> values = mlpValues(seed);
    values.put("bn.gamma", random(4, seed + 10));
    values.put("bn.beta", random(4, seed + 11));
    return values;
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
    return switch (key) {
      case "h1.weight" -> new int[] {4, 3};
      case "h1.bias" -> new int[] {4};
      case "h2.weight" -> new int[] {3, 4};
      case "h2.bias" -> new int[] {3};
      case "bn.gamma", "bn.beta" -> new int[] {4};
      default -> throw new IllegalArgumentException(key);
    };
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
