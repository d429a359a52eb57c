package dev.ato.djl.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import dev.ato.djl.engine.NoGrad;

/**
 * Writes values into an existing array's own storage. DJL's {@code NDArray.set(float[])} does not
 * copy on the PyTorch engine's CPU: it points the tensor at a fresh Java direct buffer that only
 * the calling wrapper keeps alive, so every other handle to the same tensor (a parameter's gradient
 * as autograd holds it, a view) is left on memory the garbage collector later frees
 * (docs/djl-notes.md). These methods copy into the tensor instead, with autograd off: PyTorch
 * refuses an in-place write to a parameter while its grad mode, which is per thread, is on, and DJL
 * switches it off only on the thread that started the engine.
 */
public final class InPlace {

  private InPlace() {}

  /** Copies {@code values} (row-major, as many as {@code target} holds) into {@code target}. */
  public static void copy(float[] values, NDArray target) {
    try (NDScope ignored = new NDScope();
        NoGrad noGrad = NoGrad.enter()) {
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
    try (NoGrad ignored = NoGrad.enter()) {
      target.set(new NDIndex("..."), 0f);
    }
  }
}
