package dev.ato.spark;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.zip.GZIPInputStream;

/** The first images of Fashion-MNIST's test set as Debian packages it, read from its IDX file. */
final class FashionMnistRows {

  private static final Path IMAGES =
      Paths.get("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz");

  private FashionMnistRows() {}

  /** The first {@code count} images, 28 x 28 bytes each, row by row. */
  static byte[][] images(int count) throws IOException {
    try (InputStream file = Files.newInputStream(IMAGES);
        DataInputStream in = new DataInputStream(new GZIPInputStream(file))) {
      in.readInt(); // magic
      int stored = in.readInt();
      int rows = in.readInt();
      int columns = in.readInt();
      byte[][] images = new byte[Math.min(count, stored)][rows * columns];
      for (byte[] image : images) {
        in.readFully(image);
      }
      return images;
    }
  }

  /** An image's pixels scaled to [0, 1], as training's ToTensor scales them. */
  static float[] scaled(byte[] image) {
    float[] pixels = new float[image.length];
    for (int i = 0; i < image.length; i++) {
      pixels[i] = (image[i] & 0xff) / 255f;
    }
    return pixels;
  }
}
