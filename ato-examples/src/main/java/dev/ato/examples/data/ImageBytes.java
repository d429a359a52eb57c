package dev.ato.examples.data;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Images and labels as a file format stores them, before they become arrays: {@code count}
 * images of {@code channels x rows x cols} unsigned bytes, channel-major (all of channel 0, then
 * channel 1, ...), and one class index byte per image.
 *
 * @param pixels {@code count * channels * rows * cols} bytes, image after image
 * @param labels {@code count} class indices, unsigned
 * @param classes the number of classes; every label is below it
 */
record ImageBytes(byte[] pixels, byte[] labels, int count, int channels, int rows, int cols,
    int classes) {

  ImageBytes {
    checkArgument(count > 0 && channels > 0 && rows > 0 && cols > 0,
        "images need a positive count and shape, got %s images of %sx%sx%s", count, channels,
        rows, cols);
    checkArgument(pixels.length == (long) count * channels * rows * cols,
        "%s pixel bytes for %s images of %sx%sx%s", pixels.length, count, channels, rows, cols);
    checkArgument(labels.length == count, "%s labels for %s images", labels.length, count);
  }

  /** One more than the largest label, at least 1: the classes that IDX labels imply. */
  static int impliedClasses(byte[] labels) {
    int largest = 0;
    for (byte label : labels) {
      largest = Math.max(largest, label & 0xff);
    }
    return largest + 1;
  }

  /** The pixels of one channel of one image. */
  int plane() {
    return rows * cols;
  }
}
