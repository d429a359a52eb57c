package dev.ato.djl.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Scalar operands that autograd may keep. DJL's arithmetic with a Java number ({@code x.mul(2f)},
 * {@code x.div(t)}, {@code x.maximum(p)}) wraps the number in a tensor over a Java direct buffer
 * and closes that tensor right after the operation. Where PyTorch's autograd saves the operand for
 * the backward pass (multiplication, division, maximum, minimum), the saved tensor still points at
 * the buffer, which the garbage collector frees once the closed wrapper is unreachable: the
 * backward pass then reads whatever the memory holds by then. This was the controller's occasional
 * non-finite gradient (docs/djl-notes.md). A scalar made here lives in PyTorch's own memory, which
 * autograd keeps alive for as long as it needs it.
 */
public final class Scalars {

  private Scalars() {}

  /**
   * A 0-dimensional array holding {@code value}, of {@code array}'s data type, device and manager:
   * the operand to give DJL's arithmetic in place of a Java number wherever a gradient flows.
   */
  public static NDArray like(NDArray array, double value) {
    return array
        .getManager()
        .full(new Shape(), (float) value, array.getDataType(), array.getDevice());
  }
}
