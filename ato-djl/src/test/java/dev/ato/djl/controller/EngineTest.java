package dev.ato.djl.controller;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A fresh manager per test, closed after it, and conversions between Java and float32 arrays. */
abstract class EngineTest {

  protected NDManager manager;

  @BeforeEach
  void openManager() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void closeManager() {
    manager.close();
  }

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
