package dev.ato.tensor;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;

/**
 * A dense row-major float tensor held in a Java array: the plain-Java backend of {@link TensorOps},
 * for tests and for tools that need no engine. Mutable, like an engine's parameter tensor.
 */
public final class ArrayTensor {

  private final float[] data;
  private final int[] shape;

  private ArrayTensor(float[] data, int[] shape) {
    this.data = data;
    this.shape = shape;
  }

  /**
   * Wraps {@code values} (copied), laid out row-major in {@code shape}.
   *
   * @throws IllegalArgumentException when the value count does not match the shape
   */
  public static ArrayTensor of(float[] values, int... shape) {
    long size = 1;
    for (int dim : shape) {
      checkArgument(
          dim >= 1, "every dimension must be positive, found shape %s", Arrays.toString(shape));
      size *= dim;
    }
    checkArgument(
        size == values.length,
        "shape %s holds %s values but %s were given",
        Arrays.toString(shape),
        size,
        values.length);
    return new ArrayTensor(values.clone(), shape.clone());
  }

  /** The shape (a copy). */
  public int[] shape() {
    return shape.clone();
  }

  /** The values, row-major (a copy). */
  public float[] toArray() {
    return data.clone();
  }

  /** An independent copy. */
  public ArrayTensor copy() {
    return new ArrayTensor(data.clone(), shape.clone());
  }

  float[] data() {
    return data;
  }

  /** Values per index of {@code axis} that lie after it: the stride of {@code axis}. */
  int stride(int axis) {
    int stride = 1;
    for (int a = axis + 1; a < shape.length; a++) {
      stride *= shape[a];
    }
    return stride;
  }

  @Override
  public String toString() {
    return "ArrayTensor" + Arrays.toString(shape) + Arrays.toString(data);
  }
}
