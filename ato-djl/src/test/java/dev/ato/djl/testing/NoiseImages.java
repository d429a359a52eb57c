package dev.ato.djl.testing;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;

/**
 * Data for the long runs that measure resources, not accuracy: 400 Gaussian 1x8x8 images with
 * random labels of 3 classes, in shuffled batches of 4. With 5% held out for the controller, 380
 * records train: 95 steps an epoch.
 */
public final class NoiseImages {

  /** Optimiser steps per epoch of {@link #of} under the default held-out share. */
  public static final int STEPS_PER_EPOCH = 95;

  private NoiseImages() {}

  /** The images and labels, in {@code manager}. */
  public static ArrayDataset of(NDManager manager) {
    return new ArrayDataset.Builder()
        .setData(manager.randomNormal(new Shape(400, 1, 8, 8)))
        .optLabels(manager.randomInteger(0, 3, new Shape(400), DataType.FLOAT32))
        .setSampling(4, true)
        .build();
  }
}
