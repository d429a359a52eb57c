package dev.ato.spark;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The input one row gives the network: its shape without the batch, and the normalisation of image
 * pixels.
 */
final class ModelInput {

  private final long[] shape;
  private final int size;
  private final float[] mean;
  private final float[] std;

  /**
   * @param shape the network's input shape without the batch
   * @param mean the per-channel means of image inputs, or null to scale pixels only
   * @param std the per-channel standard deviations, null when {@code mean} is
   * @throws IllegalArgumentException when the normalisation has another count of channels
   */
  ModelInput(long[] shape, float[] mean, float[] std) {
    this.shape = shape.clone();
    this.size = Math.toIntExact(Arrays.stream(shape).reduce(1, Math::multiplyExact));
    if (mean != null && (shape.length != 3 || mean.length != shape[0])) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "the normalisation (optNormalization) has %d channels; the network takes input of"
                  + " shape %s",
              mean.length,
              shapeText()));
    }
    this.mean = mean;
    this.std = std;
  }

  long[] shape() {
    return shape.clone();
  }

  /** Values in one row's input. */
  int size() {
    return size;
  }

  /** The shape as a text, such as {@code 1x28x28}. */
  String shapeText() {
    return Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining("x"));
  }

  /** The channels of an image input. */
  int channels() throws BadRow {
    requireImageInput();
    return (int) shape[0];
  }

  /** Rejects an image of another size than the network's input. */
  void requireImageSize(String column, int height, int width) throws BadRow {
    requireImageInput();
    if (height != shape[1] || width != shape[2]) {
      throw new BadRow(
          String.format(
              Locale.ROOT,
              "its image in '%s' is %dx%d pixels; the network takes %dx%d",
              column,
              height,
              width,
              shape[1],
              shape[2]));
    }
  }

  /** Normalises scaled pixels, channel by channel, in place. */
  void normalize(float[] pixels) {
    if (mean == null) {
      return;
    }
    int plane = pixels.length / mean.length;
    for (int i = 0; i < pixels.length; i++) {
      int channel = i / plane;
      pixels[i] = (pixels[i] - mean[channel]) / std[channel];
    }
  }

  private void requireImageInput() throws BadRow {
    if (shape.length != 3) {
      throw new BadRow(
          "the network takes input of shape "
              + shapeText()
              + ", not an image (channels x height"
              + " x width)");
    }
  }
}
