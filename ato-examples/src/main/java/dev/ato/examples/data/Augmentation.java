package dev.ato.examples.data;

/**
 * What training images get: nothing, a random crop, or a random crop and a random horizontal flip
 * (the standard CIFAR recipe of He et al., 2016). For in-memory images {@link BatchAugmentation}
 * applies it to whole batches; for image folders {@link ImageFolders} uses DJL's random resized
 * crop and a flip per image.
 */
public enum Augmentation {
  /** Images as read. */
  NONE,
  /** A random crop of the zero-padded image, the same size as the image. */
  CROP,
  /** A random crop, then a horizontal flip with probability 0.5. */
  CROP_FLIP;

  /** Whether images are cropped. */
  public boolean crops() {
    return this != NONE;
  }

  /** Whether images are flipped. */
  public boolean flips() {
    return this == CROP_FLIP;
  }
}
