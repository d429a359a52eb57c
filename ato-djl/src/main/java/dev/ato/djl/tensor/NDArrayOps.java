package dev.ato.djl.tensor;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ato.tensor.TensorOps;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * {@link TensorOps} on DJL {@link NDArray}s: each call is one vectorised engine operation over a
 * whole parameter tensor (a reduction over every axis but one, or one broadcast multiply), so
 * projection costs a handful of engine calls per tensor, never one per channel.
 *
 * <p>Temporaries live in an {@link NDScope} and are closed before each call returns, so nothing
 * attaches to the model's manager. {@link #scaleInPlace} edits a parameter in place, which the
 * PyTorch engine allows only outside a {@code GradientCollector}: call the projectors after
 * {@code trainer.step()}, once the collector is closed.
 */
public final class NDArrayOps implements TensorOps<NDArray> {

  /** The stateless instance. */
  public static final NDArrayOps INSTANCE = new NDArrayOps();

  private NDArrayOps() {}

  @Override
  public int[] shape(NDArray tensor) {
    return Arrays.stream(tensor.getShape().getShape()).mapToInt(Math::toIntExact).toArray();
  }

  @Override
  public double[] sumOfSquares(NDArray tensor, int axis) {
    try (NDScope ignored = new NDScope()) {
      return toDoubles(reduceAllBut(tensor.square(), axis));
    }
  }

  @Override
  public double[] dot(NDArray a, NDArray b, int axis) {
    checkArgument(a.getShape().equals(b.getShape()), "shapes differ: %s and %s", a.getShape(),
        b.getShape());
    try (NDScope ignored = new NDScope()) {
      return toDoubles(reduceAllBut(a.mul(b), axis));
    }
  }

  @Override
  public void scaleInPlace(NDArray tensor, int axis, double[] factors) {
    checkAxis(tensor, axis);
    long length = tensor.getShape().get(axis);
    checkArgument(factors.length == length, "axis %s has %s indices but %s factors given",
        axis, length, factors.length);
    long[] broadcast = new long[tensor.getShape().dimension()];
    Arrays.fill(broadcast, 1);
    broadcast[axis] = length;
    float[] values = new float[factors.length];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) factors[i];
    }
    try (NDScope ignored = new NDScope()) {
      NDArray scale = tensor.getManager().create(values, new Shape(broadcast))
          .toType(tensor.getDataType(), false)
          .toDevice(tensor.getDevice(), false);
      tensor.muli(scale);
    }
  }

  private static NDArray reduceAllBut(NDArray values, int axis) {
    checkAxis(values, axis);
    int[] others = IntStream.range(0, values.getShape().dimension()).filter(a -> a != axis)
        .toArray();
    return others.length == 0 ? values : values.sum(others);
  }

  private static void checkAxis(NDArray tensor, int axis) {
    checkArgument(axis >= 0 && axis < tensor.getShape().dimension(),
        "axis %s does not exist in a tensor of shape %s", axis, tensor.getShape());
  }

  private static double[] toDoubles(NDArray values) {
    float[] floats = values.toType(DataType.FLOAT32, false).toFloatArray();
    double[] doubles = new double[floats.length];
    for (int i = 0; i < floats.length; i++) {
      doubles[i] = floats[i];
    }
    return doubles;
  }
}
