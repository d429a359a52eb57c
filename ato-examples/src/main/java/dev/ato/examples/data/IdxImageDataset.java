package dev.ato.examples.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Grey images and class labels from a pair of IDX files (the format of MNIST and Fashion-MNIST,
 * plain or gzip), held in memory as two float32 NDArrays: images {@code [N, 1, rows, cols]} with
 * pixels scaled to [0, 1] and then normalised if asked, labels {@code [N]} holding the class index
 * (DJL's {@code SoftmaxCrossEntropyLoss} takes class indices as floats).
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
 * <p>The arrays live in a manager of their own (a child of {@link Builder#optManager}'s, or a new
 * base manager); {@link #close()} frees them, and with them every {@link #split} part.
 */
public final class IdxImageDataset extends InMemoryImageDataset {

  private static final Logger LOG = LoggerFactory.getLogger(IdxImageDataset.class);

  private IdxImageDataset(Builder builder, Contents contents) {
    super(builder, contents);
  }

  /** Starts a builder; images, labels and sampling are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds an {@link IdxImageDataset}; {@code set*} options are required, {@code opt*} ones
   * optional, each option declared here may be given once, and {@link #build()} checks them all
   * before reading anything.
   */
  public static final class Builder extends ImageBuilder<Builder> {

    private Path images;
    private Path labels;

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

    /**
     * Normalises each pixel {@code x} in [0, 1] to {@code (x - mean) / std}; for Fashion-MNIST see
     * {@link FashionMnist#MEAN} and {@link FashionMnist#STD}.
     */
    public Builder optNormalization(float mean, float std) {
      return normalization(new float[] {mean}, new float[] {std});
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
      checkOptions(1, "grey");

      long start = System.nanoTime();
      try (IdxFile imageFile =
              IdxFile.open(images, "images", IdxFile.IMAGES_MAGIC, missingFileHint);
          IdxFile labelFile =
              IdxFile.open(labels, "labels", IdxFile.LABELS_MAGIC, missingFileHint)) {
        checkArgument(
            imageFile.count() == labelFile.count(),
            "images file %s holds %s images but labels file %s holds %s labels: they must be "
                + "the two halves of one set",
            images,
            imageFile.count(),
            labels,
            labelFile.count());
        int count = count(imageFile.count());
        int rows = imageFile.recordShape()[0];
        int cols = imageFile.recordShape()[1];
        checkFits(images, count, (long) rows * cols);
        byte[] pixels = imageFile.readBytes(count);
        byte[] classes = labelFile.readBytes(count);
        IdxImageDataset dataset =
            assemble(
                new ImageBytes(
                    pixels, classes, count, 1, rows, cols, ImageBytes.impliedClasses(classes)),
                "IdxImageDataset " + images.getFileName(),
                contents -> new IdxImageDataset(this, contents));
        LOG.info(
            "read {} of {} images ({}x{}) from {} and their labels from {} in {} ms",
            count,
            imageFile.count(),
            rows,
            cols,
            images,
            labels,
            (System.nanoTime() - start) / 1_000_000);
        return dataset;
      }
    }
  }
}
