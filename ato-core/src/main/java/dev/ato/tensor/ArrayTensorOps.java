package dev.ato.tensor;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkElementIndex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleBinaryOperator;

/**
 * {@link TensorOps} over {@link ArrayTensor}s, with vectors as Java {@code double[]}s; sums
 * accumulate in double precision, in index order. There is no device: uploads and downloads are
 * copies, and a scope frees nothing (the garbage collector does).
 */
public final class ArrayTensorOps implements TensorOps<ArrayTensor, double[]> {

  /** The stateless instance. */
  public static final ArrayTensorOps INSTANCE = new ArrayTensorOps();

  private static final Scope NO_SCOPE = () -> {};

  private ArrayTensorOps() {}

  @Override
  public int[] shape(ArrayTensor tensor) {
    return tensor.shape();
  }

  @Override
  public Scope openScope() {
    return NO_SCOPE;
  }

  @Override
  public double[] sumOfSquares(List<ArrayTensor> tensors, int[] axes) {
    return dot(tensors, tensors, axes);
  }

  @Override
  public double[] dot(List<ArrayTensor> a, List<ArrayTensor> b, int[] axes) {
    checkArgument(
        a.size() == axes.length && b.size() == axes.length,
        "%s and %s tensors for %s axes",
        a.size(),
        b.size(),
        axes.length);
    List<double[]> parts = new ArrayList<>();
    for (int t = 0; t < axes.length; t++) {
      parts.add(dotAlong(a.get(t), b.get(t), axes[t]));
    }
    return concat(parts);
  }

  @Override
  public void scaleInPlace(List<ArrayTensor> tensors, int[] axes, double[] factors) {
    checkArgument(
        tensors.size() == axes.length, "%s tensors for %s axes", tensors.size(), axes.length);
    int length = 0;
    for (int t = 0; t < axes.length; t++) {
      int[] shape = tensors.get(t).shape();
      checkElementIndex(axes[t], shape.length, "axis");
      length += shape[axes[t]];
    }
    checkArgument(
        factors.length == length,
        "the axes have %s indices but %s factors given",
        length,
        factors.length);
    int at = 0;
    for (int t = 0; t < axes.length; t++) {
      ArrayTensor tensor = tensors.get(t);
      int axis = axes[t];
      int size = tensor.shape()[axis];
      int stride = tensor.stride(axis);
      float[] x = tensor.data();
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) (x[i] * factors[at + (i / stride) % size]);
      }
      at += size;
    }
  }

  @Override
  public void scaleInPlace(ArrayTensor tensor, int axis, double[] factors) {
    int[] shape = tensor.shape();
    checkElementIndex(axis, shape.length, "axis");
    checkArgument(
        factors.length == shape[axis],
        "axis %s has %s indices but %s factors given",
        axis,
        shape[axis],
        factors.length);
    scaleInPlace(List.of(tensor), new int[] {axis}, factors);
  }

  private static double[] dotAlong(ArrayTensor a, ArrayTensor b, int axis) {
    checkArgument(
        Arrays.equals(a.shape(), b.shape()),
        "shapes differ: %s and %s",
        Arrays.toString(a.shape()),
        Arrays.toString(b.shape()));
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
  public double[] upload(double[] values, ArrayTensor near) {
    return values.clone();
  }

  @Override
  public double[] download(double[] vector) {
    return vector.clone();
  }

  @Override
  public double[] concat(List<double[]> parts) {
    double[] all = new double[parts.stream().mapToInt(p -> p.length).sum()];
    int at = 0;
    for (double[] part : parts) {
      System.arraycopy(part, 0, all, at, part.length);
      at += part.length;
    }
    return all;
  }

  @Override
  public List<double[]> split(double[] vector, int... lengths) {
    checkArgument(
        Arrays.stream(lengths).allMatch(l -> l >= 0)
            && Arrays.stream(lengths).sum() == vector.length,
        "parts of lengths %s do not make a vector of length %s",
        Arrays.toString(lengths),
        vector.length);
    List<double[]> parts = new ArrayList<>(lengths.length);
    int at = 0;
    for (int length : lengths) {
      parts.add(Arrays.copyOfRange(vector, at, at + length));
      at += length;
    }
    return parts;
  }

  @Override
  public double[] take(double[] source, double[] positions) {
    double[] taken = new double[positions.length];
    for (int i = 0; i < positions.length; i++) {
      int position = (int) positions[i];
      checkArgument(
          position == positions[i] && position >= 0 && position < source.length,
          "position %s is not an index of a vector of length %s",
          (Object) positions[i],
          source.length);
      taken[i] = source[position];
    }
    return taken;
  }

  @Override
  public double[] rowSums(double[] vector, int rows) {
    checkArgument(
        rows >= 1 && vector.length % rows == 0,
        "a vector of length %s does not split into %s rows",
        vector.length,
        rows);
    int columns = vector.length / rows;
    double[] sums = new double[rows];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < columns; c++) {
        sums[r] += vector[r * columns + c];
      }
    }
    return sums;
  }

  @Override
  public double[] sqrt(double[] vector) {
    return Arrays.stream(vector).map(Math::sqrt).toArray();
  }

  @Override
  public double[] sub(double[] a, double[] b) {
    return elementwise(a, b, (x, y) -> x - y);
  }

  @Override
  public double[] mul(double[] a, double[] b) {
    return elementwise(a, b, (x, y) -> x * y);
  }

  @Override
  public double[] div(double[] a, double[] b) {
    return elementwise(a, b, (x, y) -> x / y);
  }

  @Override
  public double[] maximum(double[] a, double[] b) {
    return elementwise(a, b, Math::max);
  }

  @Override
  public double[] lessThan(double[] a, double[] b) {
    return elementwise(a, b, (x, y) -> x < y ? 1 : 0);
  }

  @Override
  public double[] whereZero(double[] test, double[] ifZero, double[] otherwise) {
    int length = broadcastLength(broadcastLength(test.length, ifZero.length), otherwise.length);
    double[] result = new double[length];
    for (int i = 0; i < length; i++) {
      result[i] = at(test, i) == 0 ? at(ifZero, i) : at(otherwise, i);
    }
    return result;
  }

  private static double[] elementwise(double[] a, double[] b, DoubleBinaryOperator op) {
    double[] result = new double[broadcastLength(a.length, b.length)];
    for (int i = 0; i < result.length; i++) {
      result[i] = op.applyAsDouble(at(a, i), at(b, i));
    }
    return result;
  }

  private static int broadcastLength(int a, int b) {
    checkArgument(
        a == b || a == 1 || b == 1,
        "vectors of lengths %s and %s do not combine elementwise",
        a,
        b);
    return a == 1 ? b : a;
  }

  /** Value {@code i} of {@code v}, a vector of length 1 standing for its value everywhere. */
  private static double at(double[] v, int i) {
    return v.length == 1 ? v[0] : v[i];
  }
}
