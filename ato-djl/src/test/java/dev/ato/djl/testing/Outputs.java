package dev.ato.djl.testing;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.ato.djl.engine.NoGrad;

/** A block's outputs in inference mode, and how far two of them are apart. */
public final class Outputs {

  private Outputs() {}

  /** The single output of {@code block} on {@code x}, in inference mode with autograd off. */
  public static float[] run(Block block, NDArray x, NDManager manager) {
    try (NoGrad ignored = NoGrad.enter();
        NDManager scope = manager.newSubManager()) {
      return block
          .forward(new ParameterStore(scope, false), new NDList(x), false)
          .singletonOrThrow()
          .toFloatArray();
    }
  }

  /** The largest absolute difference between two outputs of the same size. */
  public static float maxAbsDifference(float[] a, float[] b) {
    assertThat(a).hasSameSizeAs(b);
    float max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }
}
