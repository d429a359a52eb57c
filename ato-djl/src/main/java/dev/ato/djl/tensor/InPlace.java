package dev.ato.djl.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;

/**
 * Writes values into an existing array's own storage. DJL's {@code NDArray.set(float[])} does not
 * copy on the PyTorch engine's CPU: it points the tensor at a fresh Java direct buffer that only
 * the calling wrapper keeps alive, so every other handle to the same tensor (a parameter's gradient
 * as autograd holds it, a view) is left on memory the garbage collector later frees
 * (docs/djl-notes.md). These methods copy into the tensor instead.
 */
public final class InPlace {

  private InPlace() {}

  /** Copies {@code values} (row-major, as many as {@code target} holds) into {@code target}. */
  public static void copy(float[] values, NDArray target) {
    try (NDScope ignored = new NDScope()) {
      NDArray source =
          target
              .getManager()
              .create(values, target.getShape())
              .toType(target.getDataType(), false)
              .toDevice(target.getDevice(), false);
      target.set(new NDIndex("..."), source);
    }
  }

  /** Sets every value of {@code target} to 0, in place (NaN and infinities included). */
  public static void zero(NDArray target) {
    target.set(new NDIndex("..."), 0f);
  }
}
