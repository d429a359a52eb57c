package dev.ato.examples.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.RandomAccessDataset;
import dev.ato.djl.data.HeldOutSplit;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Grey images and class labels from a pair of IDX files (the format of MNIST and Fashion-MNIST,
 * plain or gzip), held in memory as two float32 NDArrays: images {@code [N, 1, rows, cols]}
 * with pixels scaled to [0, 1] and then normalised if asked, labels {@code [N]} holding the
 * class index (DJL's {@code SoftmaxCrossEntropyLoss} takes class indices as floats).
 *
 * <pre>{@code
 * try (IdxImageDataset train = IdxImageDataset.builder()
 *     .setImages(dir.resolve("train-images-idx3-ubyte.gz"))
 *     .setLabels(dir.resolve("train-labels-idx1-ubyte.gz"))
 *     .optNormalization(FashionMnist.MEAN, FashionMnist.STD)
 *     .setSampling(128, true)
 *     .build()) {
 *   HeldOutSplit split = train.split(0.05, 42);  // ATO's held-out 5%
 *   ...
 * }
 * }</pre>
 *
 * <p>The arrays live in a manager of their own (a child of {@link Builder#optManager}'s, or a
 * new base manager); {@link #close()} frees them, and with them every {@link #split} part.
 */
public final class IdxImageDataset extends ArrayDataset implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(IdxImageDataset.class);

  private final NDManager manager;

  private IdxImageDataset(Builder builder, NDManager manager, NDArray images, NDArray labels) {
    super(builder);
    this.manager = manager;
    this.data = new NDArray[] {images};
    this.labels = new NDArray[] {labels};
  }

  /** Starts a builder; images, labels and sampling are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Holds out a random {@code fraction} of the records, chosen by {@code seed} alone: the same
   * seed and size give the same parts on every run and machine. Both parts keep file order.
   * See {@link HeldOutSplit} for why DJL's {@code randomSplit} is not used.
   *
   * @param fraction the share to hold out, in (0, 1); the held-out count is rounded to nearest
   * @param seed chooses which records are held out
   * @return the rest and the held-out part; both share this data set's arrays and sampler
   */
  public HeldOutSplit split(double fraction, long seed) {
    return HeldOutSplit.of(this, fraction, seed);
  }

  /** Frees the images and labels; the data set and its split parts are unusable after. */
  @Override
  public void close() {
    manager.close();
  }

  /**
   * Builds an {@link IdxImageDataset}; {@code set*} options are required, {@code opt*} ones
   * optional, each option declared here may be given once, and {@link #build()} checks them all
   * before reading anything.
   */
  public static final class Builder extends RandomAccessDataset.BaseBuilder<Builder> {

    /** A label byte is its class index. */
    private static final float[] LABEL_TABLE = new float[256];

    static {
      for (int b = 0; b < LABEL_TABLE.length; b++) {
        LABEL_TABLE[b] = b;
      }
    }

    private Path images;
    private Path labels;
    private Long requestedLimit;
    private Integer batchSize;
    private float[] normalization;
    private NDManager parentManager;
    private String missingFileHint = "";

    private Builder() {}

    @Override
    protected Builder self() {
      return this;
    }

    /** The IDX file of images (magic {@code 0x00000803}), plain or gzip. */
    public Builder setImages(Path file) {
      checkState(images == null, "images was already set to %s", images);
      images = checkNotNull(file, "images file must not be null");
      return this;
    }

    /** The IDX file of labels (magic {@code 0x00000801}), plain or gzip. */
    public Builder setLabels(Path file) {
      checkState(labels == null, "labels was already set to %s", labels);
      labels = checkNotNull(file, "labels file must not be null");
      return this;
    }

    /** Reads only the first {@code limit} images and labels (must be positive). */
    @Override
    public Builder optLimit(long limit) {
      checkState(requestedLimit == null, "optLimit was already set to %s", requestedLimit);
      requestedLimit = limit;
      return super.optLimit(limit);
    }

    /**
     * Normalises each pixel {@code x} in [0, 1] to {@code (x - mean) / std}; for Fashion-MNIST
     * see {@link FashionMnist#MEAN} and {@link FashionMnist#STD}.
     */
    public Builder optNormalization(float mean, float std) {
      checkState(normalization == null, "optNormalization was already set to %s",
          Arrays.toString(normalization));
      normalization = new float[] {mean, std};
      return this;
    }

    /** The manager whose child will hold the arrays; by default a new base manager. */
    public Builder optManager(NDManager manager) {
      checkState(parentManager == null, "optManager was already set");
      parentManager = checkNotNull(manager, "manager must not be null");
      return this;
    }

    /** {@inheritDoc} The batch size must be positive. */
    @Override
    public Builder setSampling(int batchSize, boolean random, boolean dropLast) {
      this.batchSize = batchSize;
      return super.setSampling(batchSize, random, dropLast);
    }

    /** What to do when a file is missing, for messages (e.g. the package to install). */
    Builder missingFileHint(String hint) {
      missingFileHint = ": " + hint;
      return this;
    }

    /**
     * Checks the options, then reads both files; may be called again.
     *
     * @throws java.io.FileNotFoundException if a file does not exist
     * @throws java.io.EOFException if a file is truncated
     * @throws IllegalArgumentException if a file is not of its kind, the two files disagree in
     *     count or an option is out of range
     * @throws IOException if a file cannot be read
     */
    public IdxImageDataset build() throws IOException {
      checkState(images != null, "no images file: call setImages(path)");
      checkState(labels != null, "no labels file: call setLabels(path)");
      checkState(sampler != null, "no sampling: call setSampling(batchSize, shuffle)");
      checkArgument(batchSize == null || batchSize > 0,
          "batch size must be positive, got %s: pass setSampling(batchSize > 0, shuffle)",
          batchSize);
      checkArgument(requestedLimit == null || requestedLimit > 0,
          "optLimit must be positive, got %s: pass the number of images to read, or omit it"
              + " to read them all", requestedLimit);
      float mean = normalization == null ? 0 : normalization[0];
      float std = normalization == null ? 1 : normalization[1];
      checkArgument(Float.isFinite(mean) && Float.isFinite(std) && std > 0,
          "optNormalization needs a finite mean and a positive finite std, got mean %s and std %s",
          mean, std);

      long start = System.nanoTime();
      try (IdxFile imageFile =
              IdxFile.open(images, "images", IdxFile.IMAGES_MAGIC, missingFileHint);
          IdxFile labelFile =
              IdxFile.open(labels, "labels", IdxFile.LABELS_MAGIC, missingFileHint)) {
        checkArgument(imageFile.count() == labelFile.count(),
            "images file %s holds %s images but labels file %s holds %s labels: they must be "
                + "the two halves of one set", images, imageFile.count(), labels,
            labelFile.count());
        int count = (int) Math.min(imageFile.count(), requestedLimit == null
            ? Long.MAX_VALUE : requestedLimit);
        int rows = imageFile.recordShape()[0];
        int cols = imageFile.recordShape()[1];
        ByteBuffer pixels = imageFile.readFloats(count, pixelTable(mean, std));
        ByteBuffer classes = labelFile.readFloats(count, LABEL_TABLE);

        NDManager manager =
            parentManager == null ? NDManager.newBaseManager() : parentManager.newSubManager();
        manager.setName("IdxImageDataset " + images.getFileName());
        NDArray imageArray;
        NDArray labelArray;
        try {
          imageArray = manager.create(pixels, new Shape(count, 1, rows, cols), DataType.FLOAT32);
          labelArray = manager.create(classes, new Shape(count), DataType.FLOAT32);
        } catch (RuntimeException e) {
          manager.close();
          throw e;
        }
        LOG.info("read {} of {} images ({}x{}) from {} and their labels from {} in {} ms", count,
            imageFile.count(), rows, cols, images, labels, (System.nanoTime() - start) / 1_000_000);
        return new IdxImageDataset(this, manager, imageArray, labelArray);
      }
    }

    /** Byte value to float, computed in double once so that every pixel rounds once. */
    private static float[] pixelTable(float mean, float std) {
      float[] table = new float[256];
      for (int b = 0; b < table.length; b++) {
        table[b] = (float) ((b / 255.0 - mean) / std);
      }
      return table;
    }
  }
}
