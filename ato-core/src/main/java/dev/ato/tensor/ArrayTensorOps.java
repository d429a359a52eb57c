package dev.ato.tensor;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkElementIndex;

import java.util.Arrays;

/** {@link TensorOps} over {@link ArrayTensor}s; sums accumulate in double precision. */
public final class ArrayTensorOps implements TensorOps<ArrayTensor> {

  /** The stateless instance. */
  public static final ArrayTensorOps INSTANCE = new ArrayTensorOps();

  private ArrayTensorOps() {}

  @Override
  public int[] shape(ArrayTensor tensor) {
    return tensor.shape();
  }

  @Override
  public double[] sumOfSquares(ArrayTensor tensor, int axis) {
    return dot(tensor, tensor, axis);
  }

  @Override
  public double[] dot(ArrayTensor a, ArrayTensor b, int axis) {
    checkArgument(Arrays.equals(a.shape(), b.shape()), "shapes differ: %s and %s",
        Arrays.toString(a.shape()), Arrays.toString(b.shape()));
    int[] shape = a.shape();
    checkElementIndex(axis, shape.length, "axis");
    double[] sums = new double[shape[axis]];
    int stride = a.stride(axis);
    float[] x = a.data();
    float[] y = b.data();
    for (int i = 0; i < x.length; i++) {
      sums[(i / stride) % shape[axis]] += (double) x[i] * y[i];
    }
    return sums;
  }

  @Override
  public void scaleInPlace(ArrayTensor tensor, int axis, double[] factors) {
    int[] shape = tensor.shape();
    checkElementIndex(axis, shape.length, "axis");
    checkArgument(factors.length == shape[axis], "axis %s has %s indices but %s factors given",
        axis, shape[axis], factors.length);
    int stride = tensor.stride(axis);
    float[] x = tensor.data();
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (x[i] * factors[(i / stride) % shape[axis]]);
    }
  }
}
