package dev.ato.tensor;

import java.util.List;

/**
 * The few tensor and vector operations the projectors need. Each tensor operation covers a whole
 * parameter tensor at once, so an engine runs one vectorised operation per tensor and never a loop
 * over channels. Per-index results run along one {@code axis}: index {@code i} of the result
 * reduces the sub-tensor at position {@code i} of that axis.
 *
 * <p>Those results are vectors of type {@code V}, kept where the engine keeps its tensors (for a
 * GPU engine: on the device), so that a projection's per-channel and per-group arithmetic runs
 * there too. Only {@link #upload} and {@link #download} cross between the host and the engine's
 * device. Vectors hold double-precision values; an engine may compute in less where its device
 * offers no doubles. Vectors made inside a {@linkplain #openScope scope} are freed when it closes.
 *
 * <p>The elementwise operations take two vectors of the same length, or one of length 1, which then
 * stands for that value at every index.
 *
 * @param <T> the engine's tensor type
 * @param <V> the engine's vector type
 */
public interface TensorOps<T, V> {

  /** A region whose vectors are freed when it closes; closing it never fails. */
  interface Scope extends AutoCloseable {
    @Override
    void close();
  }

  /** The tensor's shape. */
  int[] shape(T tensor);

  /**
   * Opens a scope: every vector this instance makes on this thread until the scope closes is freed
   * then, except tensors edited in place.
   */
  Scope openScope();

  /**
   * For each tensor, and each index {@code i} of its axis: the sum of squares of the sub-tensor at
   * i. The tensors' results follow one another in one vector, as long as their axes together.
   *
   * @param axes the axis of each tensor
   */
  V sumOfSquares(List<T> tensors, int[] axes);

  /**
   * For each pair of tensors, and each index {@code i} of their axis: the dot product of the
   * sub-tensors at i, one pair after another as {@link #sumOfSquares(List, int[])} does. The
   * tensors of a pair have the same shape.
   */
  V dot(List<T> a, List<T> b, int[] axes);

  /**
   * Multiplies each tensor's sub-tensor at index {@code i} of its axis by a factor, in place:
   * {@code factors} holds them one tensor after another, as {@link #sumOfSquares(List, int[])} lays
   * out its results.
   */
  void scaleInPlace(List<T> tensors, int[] axes, V factors);

  /** {@link #sumOfSquares(List, int[])} of one tensor. */
  default V sumOfSquares(T tensor, int axis) {
    return sumOfSquares(List.of(tensor), new int[] {axis});
  }

  /** {@link #dot(List, List, int[])} of one pair of tensors. */
  default V dot(T a, T b, int axis) {
    return dot(List.of(a), List.of(b), new int[] {axis});
  }

  /** {@link #scaleInPlace(List, int[], Object)} of one tensor. */
  default void scaleInPlace(T tensor, int axis, V factors) {
    scaleInPlace(List.of(tensor), new int[] {axis}, factors);
  }

  /** {@code values} as a vector next to {@code near}: the one copy from the host to the engine. */
  V upload(double[] values, T near);

  /** The vector's values on the host. */
  double[] download(V vector);

  /** The vectors one after another. */
  V concat(List<V> parts);

  /** {@code vector} cut into consecutive parts of {@code lengths}, which add up to its length. */
  List<V> split(V vector, int... lengths);

  /**
   * {@code source[positions[i]]} for each index {@code i} of {@code positions}, whose values are
   * indices of {@code source} (whole numbers).
   */
  V take(V source, V positions);

  /**
   * The sums of the {@code rows} consecutive runs of equal length that make up {@code vector}: a
   * row-major {@code [rows, length / rows]} matrix summed along its rows.
   */
  V rowSums(V vector, int rows);

  /** The square root of each value. */
  V sqrt(V vector);

  /** {@code a - b}, elementwise. */
  V sub(V a, V b);

  /** {@code a * b}, elementwise. */
  V mul(V a, V b);

  /** {@code a / b}, elementwise, as IEEE 754 divides (a positive value over 0 is infinite). */
  V div(V a, V b);

  /** The larger of {@code a} and {@code b}, elementwise; NaN if either is NaN. */
  V maximum(V a, V b);

  /** 1 where {@code a < b}, else 0, elementwise. */
  V lessThan(V a, V b);

  /** {@code ifZero} where {@code test} is 0, else {@code otherwise}, elementwise. */
  V whereZero(V test, V ifZero, V otherwise);
}
