package dev.ato.examples.data;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Images and labels as a file format stores them, before they become arrays: {@code count} images
 * of {@code channels x rows x cols} unsigned bytes, channel-major (all of channel 0, then channel
 * 1, ...), and one class index byte per image.
 *
 * <p>A class, not a record: its arrays are large and compared by no one, so it has no equality of
 * its own.
 */
final class ImageBytes {

  private final byte[] pixels;
  private final byte[] labels;
  private final int count;
  private final int channels;
  private final int rows;
  private final int cols;
  private final int classes;

  /**
   * @param pixels {@code count * channels * rows * cols} bytes, image after image
   * @param labels {@code count} class indices, unsigned
   * @param classes the number of classes; every label is below it
   */
  ImageBytes(
      byte[] pixels, byte[] labels, int count, int channels, int rows, int cols, int classes) {
    checkArgument(
        count > 0 && channels > 0 && rows > 0 && cols > 0,
        "images need a positive count and shape, got %s images of %sx%sx%s",
        count,
        channels,
        rows,
        cols);
    checkArgument(
        pixels.length == (long) count * channels * rows * cols,
        "%s pixel bytes for %s images of %sx%sx%s",
        pixels.length,
        count,
        channels,
        rows,
        cols);
    checkArgument(labels.length == count, "%s labels for %s images", labels.length, count);
    this.pixels = pixels;
    this.labels = labels;
    this.count = count;
    this.channels = channels;
    this.rows = rows;
    this.cols = cols;
    this.classes = classes;
  }

  /** {@code count * channels * rows * cols} bytes, image after image; not a copy. */
  byte[] pixels() {
    return pixels;
  }

  /** {@code count} class indices, unsigned; not a copy. */
  byte[] labels() {
    return labels;
  }

  int count() {
    return count;
  }

  int channels() {
    return channels;
  }

  int rows() {
    return rows;
  }

  int cols() {
    return cols;
  }

  /** The number of classes; every label is below it. */
  int classes() {
    return classes;
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
