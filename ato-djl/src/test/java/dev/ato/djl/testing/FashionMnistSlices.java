package dev.ato.djl.testing;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Normalised slices of Debian's Fashion-MNIST for the tests that train: the first images of the
 * gzipped IDX files in {@value #DIRECTORY}, pixels scaled to [0, 1] then normalised by the training
 * set's mean and deviation, labels as float class indices.
 */
public final class FashionMnistSlices {

  private static final String DIRECTORY = "/usr/share/datasets/fashion-mnist";
  private static final float MEAN = 0.2860f;
  private static final float STD = 0.3530f;

  private FashionMnistSlices() {}

  /** The first {@code limit} training images, shuffled into batches of {@code batch}. */
  public static Slice train(int limit, int batch) throws IOException {
    return read("train", limit, batch, true);
  }

  /** The first {@code limit} test images, in batches of 250. */
  public static Slice test(int limit) throws IOException {
    return read("t10k", limit, 250, false);
  }

  private static Slice read(String prefix, int limit, int batch, boolean shuffle)
      throws IOException {
    byte[] pixels = body(prefix + "-images-idx3-ubyte.gz", 3, limit * 28 * 28);
    byte[] classes = body(prefix + "-labels-idx1-ubyte.gz", 1, limit);
    float[] images = new float[pixels.length];
    for (int i = 0; i < pixels.length; i++) {
      images[i] = (float) (((pixels[i] & 0xff) / 255.0 - MEAN) / STD);
    }
    float[] labels = new float[classes.length];
    for (int i = 0; i < classes.length; i++) {
      labels[i] = classes[i];
    }
    NDManager manager = NDManager.newBaseManager();
    ArrayDataset.Builder builder =
        new ArrayDataset.Builder()
            .setData(manager.create(images, new Shape(limit, 1, 28, 28)))
            .optLabels(manager.create(labels))
            .setSampling(batch, shuffle);
    return new Slice(builder, manager);
  }

  /** The first {@code length} values after the header of an IDX file of {@code dims} sizes. */
  private static byte[] body(String file, int dims, int length) throws IOException {
    try (InputStream raw = Files.newInputStream(Path.of(DIRECTORY, file));
        DataInputStream in = new DataInputStream(new GZIPInputStream(raw))) {
      in.skipNBytes(4L * (1 + dims));
      return in.readNBytes(length);
    }
  }

  /** A slice whose arrays are freed by {@link #close()}. */
  public static final class Slice extends ArrayDataset implements AutoCloseable {

    private final NDManager manager;

    private Slice(ArrayDataset.Builder builder, NDManager manager) {
      super(builder);
      this.manager = manager;
    }

    @Override
    public void close() {
      manager.close();
    }
  }
}
