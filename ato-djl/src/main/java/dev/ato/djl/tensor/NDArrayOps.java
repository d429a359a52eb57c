package dev.ato.djl.tensor;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ato.tensor.TensorOps;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * {@link TensorOps} on DJL {@link NDArray}s, vectors included: each tensor operation is one
 * vectorised engine operation over a whole parameter tensor (a reduction over every axis but one,
 * or one broadcast multiply), and vectors are 1-D arrays on the tensor's device, so a projection
 * step runs entirely where the model is.
 *
 * <p><b>What crosses to the host.</b> In a projection step, nothing: per-channel sums, per-group
 * norms and dot products, factors and the scaling all stay on the device. The step's one transfer
 * goes the other way: {@link #upload} copies a single float64 vector (the step's per-group values,
 * a few constants and the channel layout's index vectors: about two entries per group and two per
 * channel of the projected tensors, 21 KB for a CIFAR ResNet-20 and 0.55 MB for DJL's ResNet-50)
 * from the host to the device. No operation here passes a Java number to the engine, because DJL
 * turns every {@code NDArray.op(Number)} into a new array copied from the host; constants come with
 * the upload instead. {@link #download} is the only copy back, and {@link
 * dev.ato.projection.GroupNorms} calls it once per computation.
 *
 * <p>Vectors are float64, as the host arithmetic they replace was, except on Apple's MPS devices,
 * which have no float64 (float32 there). Per-channel sums are taken in the tensor's own type, then
 * widened.
 *
 * <p>Temporaries live in an {@link NDScope}: those of a single operation are closed before it
 * returns, and the vectors an operation returns belong to the scope open on the calling thread
 * ({@link #openScope}), so nothing attaches to the model's manager for good. The in-place scale
 * edits a parameter with {@code muli}, which the PyTorch engine allows only outside a {@code
 * GradientCollector}: call the projectors after {@code trainer.step()}, once the collector is
 * closed.
 */
public final class NDArrayOps implements TensorOps<NDArray, NDArray> {

  /** The stateless instance. */
  public static final NDArrayOps INSTANCE = new NDArrayOps();

  private NDArrayOps() {}

  @Override
  public int[] shape(NDArray tensor) {
    return Arrays.stream(tensor.getShape().getShape()).mapToInt(Math::toIntExact).toArray();
  }

  /** Opens an {@link NDScope}: every array made on this thread until it closes is closed then. */
  @Override
  public Scope openScope() {
    NDScope scope = new NDScope();
    return scope::close;
  }

  @Override
  public NDArray sumOfSquares(List<NDArray> tensors, int[] axes) {
    checkArgument(
        tensors.size() == axes.length && !tensors.isEmpty(),
        "%s tensors for %s axes",
        tensors.size(),
        axes.length);
    return handedOn(
        () -> {
          NDList sums = new NDList(tensors.size());
          for (int t = 0; t < axes.length; t++) {
            checkAxis(tensors.get(t), axes[t]);
            sums.add(reduceAllBut(tensors.get(t).square(), axes[t]));
          }
          return concatenated(sums).toType(vectorType(tensors.get(0)), false);
        });
  }

  @Override
  public NDArray dot(List<NDArray> a, List<NDArray> b, int[] axes) {
    checkArgument(
        a.size() == axes.length && b.size() == axes.length && !a.isEmpty(),
        "%s and %s tensors for %s axes",
        a.size(),
        b.size(),
        axes.length);
    return handedOn(
        () -> {
          NDList sums = new NDList(a.size());
          for (int t = 0; t < axes.length; t++) {
            checkArgument(
                a.get(t).getShape().equals(b.get(t).getShape()),
                "shapes differ: %s and %s",
                a.get(t).getShape(),
                b.get(t).getShape());
            checkAxis(a.get(t), axes[t]);
            sums.add(reduceAllBut(a.get(t).mul(b.get(t)), axes[t]));
          }
          return concatenated(sums).toType(vectorType(a.get(0)), false);
        });
  }

  @Override
  public void scaleInPlace(List<NDArray> tensors, int[] axes, NDArray factors) {
    checkArgument(
        tensors.size() == axes.length && !tensors.isEmpty(),
        "%s tensors for %s axes",
        tensors.size(),
        axes.length);
    long[] ends = new long[axes.length];
    long length = 0;
    for (int t = 0; t < axes.length; t++) {
      checkAxis(tensors.get(t), axes[t]);
      length += tensors.get(t).getShape().get(axes[t]);
      ends[t] = length;
    }
    checkArgument(
        factors.getShape().dimension() == 1 && factors.size() == length,
        "the axes have %s indices but %s factors given",
        length,
        factors.size());
    try (NDScope ignored = new NDScope()) {
      // One cast and one split for all tensors: each engine call costs more than its work here.
      NDList parts =
          factors
              .toType(tensors.get(0).getDataType(), false)
              .split(Arrays.copyOf(ends, ends.length - 1), 0);
      for (int t = 0; t < axes.length; t++) {
        NDArray tensor = tensors.get(t);
        tensor.muli(alongAxis(parts.get(t).toType(tensor.getDataType(), false), tensor, axes[t]));
      }
    }
  }

  @Override
  public void scaleInPlace(NDArray tensor, int axis, NDArray factors) {
    checkAxis(tensor, axis);
    long length = tensor.getShape().get(axis);
    checkArgument(
        factors.getShape().dimension() == 1 && factors.size() == length,
        "axis %s has %s indices but %s factors given",
        axis,
        length,
        factors.size());
    scaleInPlace(List.of(tensor), new int[] {axis}, factors);
  }

  /**
   * {@link #scaleInPlace(NDArray, int, NDArray)} with factors from the host: one copy to the
   * device, for one-off edits rather than every step.
   */
  public void scaleInPlace(NDArray tensor, int axis, double[] factors) {
    try (NDScope ignored = new NDScope()) {
      scaleInPlace(tensor, axis, upload(factors, tensor));
    }
  }

  @Override
  public NDArray upload(double[] values, NDArray near) {
    NDManager manager = near.getManager();
    NDArray vector =
        vectorType(near) == DataType.FLOAT64
            ? manager.create(values)
            : manager.create(toFloats(values));
    return vector.toDevice(near.getDevice(), false);
  }

  @Override
  public double[] download(NDArray vector) {
    if (vector.getDataType() == DataType.FLOAT64) {
      return vector.toDoubleArray();
    }
    float[] floats = vector.toType(DataType.FLOAT32, false).toFloatArray();
    return IntStream.range(0, floats.length).mapToDouble(i -> floats[i]).toArray();
  }

  @Override
  public NDArray concat(List<NDArray> parts) {
    checkArgument(!parts.isEmpty(), "nothing to concatenate");
    return concatenated(new NDList(parts));
  }

  @Override
  public List<NDArray> split(NDArray vector, int... lengths) {
    checkArgument(
        Arrays.stream(lengths).allMatch(l -> l >= 0)
            && Arrays.stream(lengths).sum() == vector.size(),
        "parts of lengths %s do not make a vector of length %s",
        Arrays.toString(lengths),
        vector.size());
    if (lengths.length == 1) {
      return List.of(vector);
    }
    long[] starts = new long[lengths.length - 1];
    long at = 0;
    for (int i = 0; i < starts.length; i++) {
      at += lengths[i];
      starts[i] = at;
    }
    return vector.split(starts, 0);
  }

  @Override
  public NDArray take(NDArray source, NDArray positions) {
    return handedOn(() -> source.take(positions.toType(DataType.INT64, false)));
  }

  @Override
  public NDArray rowSums(NDArray vector, int rows) {
    long length = vector.size();
    checkArgument(
        rows >= 1 && length % rows == 0,
        "a vector of length %s does not split into %s rows",
        length,
        rows);
    return handedOn(() -> vector.reshape(rows, length / rows).sum(new int[] {1}));
  }

  @Override
  public NDArray sqrt(NDArray vector) {
    return vector.sqrt();
  }

  @Override
  public NDArray sub(NDArray a, NDArray b) {
    return a.sub(b);
  }

  @Override
  public NDArray mul(NDArray a, NDArray b) {
    return a.mul(b);
  }

  @Override
  public NDArray div(NDArray a, NDArray b) {
    return a.div(b);
  }

  @Override
  public NDArray maximum(NDArray a, NDArray b) {
    return a.maximum(b);
  }

  @Override
  public NDArray lessThan(NDArray a, NDArray b) {
    return handedOn(() -> a.lt(b).toType(a.getDataType(), false));
  }

  @Override
  public NDArray whereZero(NDArray test, NDArray ifZero, NDArray otherwise) {
    Shape shape = new Shape(Math.max(test.size(), Math.max(ifZero.size(), otherwise.size())));
    // DJL's where wants the condition and its first choice in one shape; the second broadcasts.
    return handedOn(
        () ->
            NDArrays.where(
                broadcast(test.toType(DataType.BOOLEAN, false), shape),
                broadcast(otherwise, shape),
                ifZero));
  }

  /**
   * Runs {@code body} in a scope of its own, so that its temporaries (a squared copy of a whole
   * parameter tensor, say) are closed at once, and hands its result to the caller's scope.
   */
  private static NDArray handedOn(Supplier<NDArray> body) {
    NDArray result;
    try (NDScope ignored = new NDScope()) {
      result = body.get();
      NDScope.unregister(result);
    }
    NDScope.register(result);
    return result;
  }

  /** {@code vector} shaped to multiply {@code tensor} along {@code axis}. */
  private static NDArray alongAxis(NDArray vector, NDArray tensor, int axis) {
    int dimensions = tensor.getShape().dimension();
    if (dimensions == 1) {
      return vector;
    }
    long[] shape = new long[dimensions];
    Arrays.fill(shape, 1);
    shape[axis] = vector.size();
    return vector.reshape(new Shape(shape));
  }

  private static NDArray concatenated(NDList parts) {
    return parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts);
  }

  private static NDArray broadcast(NDArray array, Shape shape) {
    return array.getShape().equals(shape) ? array : array.broadcast(shape);
  }

  private static NDArray reduceAllBut(NDArray values, int axis) {
    int[] others =
        IntStream.range(0, values.getShape().dimension()).filter(a -> a != axis).toArray();
    return others.length == 0 ? values : values.sum(others);
  }

  private static void checkAxis(NDArray tensor, int axis) {
    checkArgument(
        axis >= 0 && axis < tensor.getShape().dimension(),
        "axis %s does not exist in a tensor of shape %s",
        axis,
        tensor.getShape());
  }

  /** The vectors' type next to {@code near}: float64 where the device has it. */
  private static DataType vectorType(NDArray near) {
    Device device = near.getDevice();
    return "mps".equals(device.getDeviceType()) ? DataType.FLOAT32 : DataType.FLOAT64;
  }

  private static float[] toFloats(double[] values) {
    float[] floats = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      floats[i] = (float) values[i];
    }
    return floats;
  }
}
