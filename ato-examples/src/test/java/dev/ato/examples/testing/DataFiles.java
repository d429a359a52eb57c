package dev.ato.examples.testing;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;

/**
 * Small data sets in the real file formats, written by the tests themselves: CIFAR-10 and CIFAR-100
 * binary batches, IDX pairs and image folders of PNG files. Every class has a look of its own (a
 * brightness, a colour), so that a network can learn something in a few steps.
 */
public final class DataFiles {

  private static final int CIFAR_PIXELS = 3 * 32 * 32;

  private DataFiles() {}

  /**
   * CIFAR-10's five training batches and test batch in {@code directory}, {@code perBatch} records
   * each; record {@code i} has class {@code i % classes}.
   */
  public static Path cifar10(Path directory, int perBatch, int classes) throws IOException {
    Files.createDirectories(directory);
    for (int batch = 1; batch <= 5; batch++) {
      Files.write(
          directory.resolve("data_batch_" + batch + ".bin"),
          cifarRecords(perBatch, classes, 1, batch));
    }
    Files.write(directory.resolve("test_batch.bin"), cifarRecords(perBatch, classes, 1, 0));
    return directory;
  }

  /** CIFAR-100's {@code train.bin} and {@code test.bin}: coarse and fine label, then pixels. */
  public static Path cifar100(Path directory, int train, int test, int classes) throws IOException {
    Files.createDirectories(directory);
    Files.write(directory.resolve("train.bin"), cifarRecords(train, classes, 2, 1));
    Files.write(directory.resolve("test.bin"), cifarRecords(test, classes, 2, 0));
    return directory;
  }

  /**
   * {@code count} records of {@code labelBytes} label bytes (the fine label last) and 3072 pixels;
   * the class sets the mean brightness, a seeded noise the rest.
   */
  public static byte[] cifarRecords(int count, int classes, int labelBytes, long seed) {
    int size = labelBytes + CIFAR_PIXELS;
    byte[] bytes = new byte[count * size];
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < count; i++) {
      int label = i % classes;
      int offset = i * size;
      for (int b = 0; b < labelBytes; b++) {
        bytes[offset + b] = (byte) (b == labelBytes - 1 ? label : label / 5);
      }
      int level = 30 + 200 * label / Math.max(1, classes - 1);
      for (int p = 0; p < CIFAR_PIXELS; p++) {
        bytes[offset + labelBytes + p] = (byte) Math.min(255, level + random.nextInt(25));
      }
    }
    return bytes;
  }

  /**
   * Gzipped IDX files of {@code count} 28x28 images and their labels under Fashion-MNIST's names
   * with {@code prefix} ("train" or "t10k").
   */
  public static void idx(Path directory, String prefix, int count, int classes) throws IOException {
    Files.createDirectories(directory);
    byte[] pixels = new byte[16 + count * 28 * 28];
    header(pixels, 0x00000803, count, 28, 28);
    byte[] labels = new byte[8 + count];
    header(labels, 0x00000801, count);
    SplittableRandom random = new SplittableRandom(count);
    for (int i = 0; i < count; i++) {
      int label = i % classes;
      labels[8 + i] = (byte) label;
      for (int p = 0; p < 28 * 28; p++) {
        pixels[16 + i * 28 * 28 + p] = (byte) Math.min(255, 20 * label + random.nextInt(40));
      }
    }
    gzip(directory.resolve(prefix + "-images-idx3-ubyte.gz"), pixels);
    gzip(directory.resolve(prefix + "-labels-idx1-ubyte.gz"), labels);
  }

  /**
   * An image folder: one sub-folder per class named {@code class0, class1, ...}, each with {@code
   * perClass} PNG images of {@code size} x {@code size} in the class's own colour.
   */
  public static Path imageFolder(Path directory, int classes, int perClass, int size)
      throws IOException {
    SplittableRandom random = new SplittableRandom(classes);
    for (int c = 0; c < classes; c++) {
      Path folder = Files.createDirectories(directory.resolve("class" + c));
      Color colour = Color.getHSBColor(c / (float) classes, 0.8f, 0.9f);
      for (int i = 0; i < perClass; i++) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(colour);
        g.fillRect(0, 0, size, size);
        g.setColor(Color.GRAY);
        g.fillRect(random.nextInt(size / 2), random.nextInt(size / 2), size / 4, size / 4);
        g.dispose();
        ImageIO.write(image, "png", folder.resolve("image" + i + ".png").toFile());
      }
    }
    return directory;
  }

  private static void header(byte[] bytes, int... ints) {
    for (int i = 0; i < ints.length; i++) {
      bytes[4 * i] = (byte) (ints[i] >>> 24);
      bytes[4 * i + 1] = (byte) (ints[i] >>> 16);
      bytes[4 * i + 2] = (byte) (ints[i] >>> 8);
      bytes[4 * i + 3] = (byte) ints[i];
    }
  }

  private static void gzip(Path file, byte[] bytes) throws IOException {
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(bytes);
    }
  }
}
