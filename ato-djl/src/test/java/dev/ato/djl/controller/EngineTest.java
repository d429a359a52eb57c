package dev.ato.djl.controller;

import ai.djl.ndarray.NDArray;
import dev.ato.djl.testing.ManagedTest;

/** Conversions between Java and float32 arrays for tests with a fresh manager each. */
abstract class EngineTest extends ManagedTest {

  /** A float32 vector of {@code values}. */
  protected NDArray floats(double... values) {
    float[] floats = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      floats[i] = (float) values[i];
    }
    return manager.create(floats);
  }

  /** The values of a float32 array, widened. */
  static double[] doubles(NDArray array) {
    float[] floats = array.toFloatArray();
    double[] doubles = new double[floats.length];
    for (int i = 0; i < floats.length; i++) {
      doubles[i] = floats[i];
    }
    return doubles;
  }
}
