package dev.ato.tensor;

/**
 * The few tensor operations the projectors need, each over a whole parameter tensor at once, so
 * that an engine runs one vectorised operation per tensor and never a loop over channels. Every
 * per-index result runs along one {@code axis}: index {@code i} of the result reduces the
 * sub-tensor at position {@code i} of that axis.
 *
 * @param <T> the engine's tensor type
 */
public interface TensorOps<T> {

  /** The tensor's shape. */
  int[] shape(T tensor);

  /** For each index {@code i} of {@code axis}: the sum of squares of the sub-tensor at i. */
  double[] sumOfSquares(T tensor, int axis);

  /**
   * For each index {@code i} of {@code axis}: the dot product of the sub-tensors of {@code a}
   * and {@code b} at i. Both tensors have the same shape.
   */
  double[] dot(T a, T b, int axis);

  /** Multiplies the sub-tensor at index {@code i} of {@code axis} by {@code factors[i]}, in place. */
  void scaleInPlace(T tensor, int axis, double[] factors);
}
