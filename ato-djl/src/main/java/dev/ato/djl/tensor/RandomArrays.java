package dev.ato.djl.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * Random arrays drawn in Java from a seed, so that probes and checks repeat exactly whatever the
 * engine's global random state is.
 */
public final class RandomArrays {

  private RandomArrays() {}

  /** Values from a normal distribution of mean 0 and {@code deviation}, in {@code manager}. */
  public static NDArray gaussian(
      NDManager manager, Shape shape, double deviation, SplittableRandom random) {
    float[] values = new float[Math.toIntExact(shape.size())];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (deviation * random.nextGaussian());
    }
    return manager.create(values, shape);
  }
}
