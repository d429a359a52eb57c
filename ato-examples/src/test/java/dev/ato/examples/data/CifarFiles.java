package dev.ato.examples.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes files in CIFAR's binary format for tests: record {@code r} of a file has label byte(s) as
 * given and pixel {@code i} (0 to 3071: red plane, green plane, blue plane, each row by row) equal
 * to {@link #pixel}{@code (first + r, i)}, so every image of a set is distinct and its values can
 * be computed from its index alone.
 */
final class CifarFiles {

  static final int PIXELS = 3 * 32 * 32;

  private CifarFiles() {}

  /**
   * The byte of pixel {@code i} of the image with index {@code image} within its set: covers 0 to
   * 255 and differs between images.
   */
  static int pixel(int image, int i) {
    return (image * 37 + i * 5) % 256;
  }

  /** The same pixel as {@code ToTensor} would scale it, before any normalisation. */
  static float scaled(int image, int i) {
    return pixel(image, i) / 255f;
  }

  /**
   * Writes a CIFAR-10 file of {@code labels.length} records, images numbered from {@code first}.
   */
  static void cifar10(Path file, int first, int... labels) throws IOException {
    byte[] bytes = new byte[labels.length * (1 + PIXELS)];
    for (int r = 0; r < labels.length; r++) {
      int at = r * (1 + PIXELS);
      bytes[at] = (byte) labels[r];
      fillPixels(bytes, at + 1, first + r);
    }
    Files.createDirectories(file.getParent());
    Files.write(file, bytes);
  }

  /** Writes a CIFAR-100 file: {@code coarse[r]} and {@code fine[r]} label record {@code r}. */
  static void cifar100(Path file, int first, int[] coarse, int[] fine) throws IOException {
    byte[] bytes = new byte[fine.length * (2 + PIXELS)];
    for (int r = 0; r < fine.length; r++) {
      int at = r * (2 + PIXELS);
      bytes[at] = (byte) coarse[r];
      bytes[at + 1] = (byte) fine[r];
      fillPixels(bytes, at + 2, first + r);
    }
    Files.createDirectories(file.getParent());
    Files.write(file, bytes);
  }

  /**
   * A whole CIFAR-10 directory: two records in each of the five training files (images 0 to 9,
   * labels 0 to 9 in order) and three in the test file (labels 7, 8, 9).
   */
  static void cifar10Set(Path directory) throws IOException {
    for (int batch = 1; batch <= 5; batch++) {
      int first = 2 * (batch - 1);
      cifar10(directory.resolve("data_batch_" + batch + ".bin"), first, first, first + 1);
    }
    cifar10(directory.resolve("test_batch.bin"), 0, 7, 8, 9);
  }

  /** The values {@code images} images numbered from {@code first} have, scaled to [0, 1]. */
  static float[] scaledImages(int first, int images) {
    float[] values = new float[images * PIXELS];
    for (int n = 0; n < images; n++) {
      for (int i = 0; i < PIXELS; i++) {
        values[n * PIXELS + i] = scaled(first + n, i);
      }
    }
    return values;
  }

  /**
   * Writes a CIFAR-10 file whose record {@code r} is a solid colour: every red pixel {@code
   * colours[r][0]}, every green {@code colours[r][1]}, every blue {@code colours[r][2]}; labels 0,
   * 1, 2, ...
   */
  static void solidCifar10(Path file, int[]... colours) throws IOException {
    byte[] bytes = new byte[colours.length * (1 + PIXELS)];
    for (int r = 0; r < colours.length; r++) {
      int at = r * (1 + PIXELS);
      bytes[at] = (byte) r;
      for (int i = 0; i < PIXELS; i++) {
        bytes[at + 1 + i] = (byte) colours[r][i / 1024];
      }
    }
    Files.createDirectories(file.getParent());
    Files.write(file, bytes);
  }

  private static void fillPixels(byte[] bytes, int at, int image) {
    for (int i = 0; i < PIXELS; i++) {
      bytes[at + i] = (byte) pixel(image, i);
    }
  }
}
