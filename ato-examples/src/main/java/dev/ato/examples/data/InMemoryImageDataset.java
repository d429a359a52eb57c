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
import ai.djl.translate.Pipeline;
import dev.ato.djl.data.HeldOutSplit;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Images and class labels held in memory as two float32 NDArrays: images {@code [N, C, H, W]} with
 * pixels scaled to [0, 1] and then normalised per channel if asked, labels {@code [N]} holding the
 * class index (DJL's {@code SoftmaxCrossEntropyLoss} takes class indices as floats). What the file
 * formats share: {@link IdxImageDataset} and {@link CifarBinary} differ only in how they read their
 * bytes.
 *
 * <p>The arrays live in a manager of their own (a child of {@link ImageBuilder#optManager}'s, or a
 * new base manager); {@link #close()} frees them, and with them every {@link #split} part. Only
 * this package's readers extend it.
 */
public abstract class InMemoryImageDataset extends ArrayDataset implements AutoCloseable {

  private final NDManager manager;
  private final ChannelNormalization normalization;
  private final int classes;

  InMemoryImageDataset(ImageBuilder<?> builder, Contents contents) {
    super(builder);
    this.manager = contents.manager();
    this.normalization = contents.normalization();
    this.classes = contents.classes();
    this.data = new NDArray[] {contents.images()};
    this.labels = new NDArray[] {contents.labels()};
  }

  /**
   * Holds out a random {@code fraction} of the records, chosen by {@code seed} alone: the same seed
   * and size give the same parts on every run and machine. Both parts keep file order. See {@link
   * HeldOutSplit} for why DJL's {@code randomSplit} is not used.
   *
   * @param fraction the share to hold out, in (0, 1); the held-out count is rounded to nearest
   * @param seed chooses which records are held out
   * @return the rest and the held-out part; both share this data set's arrays, sampler and pipeline
   *     (so its augmentation)
   */
  public HeldOutSplit split(double fraction, long seed) {
    return HeldOutSplit.of(this, fraction, seed);
  }

  /** The shape of one image: (channels, height, width). */
  public Shape imageShape() {
    return data[0].getShape().slice(1);
  }

  /** The normalisation the pixels went through (the identity unless one was asked for). */
  public ChannelNormalization normalization() {
    return normalization;
  }

  /**
   * The number of classes: the format's (10 or 100 for CIFAR), or for IDX files, which do not say,
   * one more than the largest label read.
   */
  public int classes() {
    return classes;
  }

  /** Frees the images and labels; the data set and its split parts are unusable after. */
  @Override
  public void close() {
    manager.close();
  }

  /** What a builder hands the data set it builds. */
  record Contents(
      NDManager manager,
      NDArray images,
      NDArray labels,
      ChannelNormalization normalization,
      int classes) {}

  /**
   * The options every in-memory image data set takes; {@code set*} options are required, {@code
   * opt*} ones optional, each option declared here may be given once, and {@code build()} checks
   * them all before reading anything.
   *
   * @param <T> the concrete builder
   */
  public abstract static class ImageBuilder<T extends ImageBuilder<T>>
      extends RandomAccessDataset.BaseBuilder<T> {

    private Long requestedLimit;
    private Integer batchSize;
    private float[] normalizationMean;
    private float[] normalizationStd;
    private boolean normalizationFromImages;
    private NDManager parentManager;
    private Augmentation augmentation;
    private Long augmentationSeed;
    private Integer cropPadding;
    String missingFileHint = "";

    ImageBuilder() {}

    /** Reads only the first {@code limit} images and labels (must be positive). */
    @Override
    public T optLimit(long limit) {
      checkState(requestedLimit == null, "optLimit was already set to %s", requestedLimit);
      requestedLimit = limit;
      return super.optLimit(limit);
    }

    /**
     * Normalises each pixel {@code x} in [0, 1] of channel {@code c} to {@code (x - mean[c]) /
     * std[c]}; one value each for grey images.
     */
    public T optNormalization(ChannelNormalization normalization) {
      checkNotNull(normalization, "normalization must not be null");
      return normalization(normalization.mean(), normalization.std());
    }

    /**
     * Normalises each channel by the mean and (population) standard deviation of the images read,
     * after {@code optLimit}: right for any data without knowing its statistics. Pass the result's
     * {@link InMemoryImageDataset#normalization()} to the test set's builder, so that both are
     * normalised alike.
     */
    public T optNormalizationFromImages() {
      checkState(!normalizationFromImages, "optNormalizationFromImages was already given");
      normalizationFromImages = true;
      return self();
    }

    /** The manager whose child will hold the arrays; by default a new base manager. */
    public T optManager(NDManager manager) {
      checkState(parentManager == null, "optManager was already set");
      parentManager = checkNotNull(manager, "manager must not be null");
      return self();
    }

    /**
     * Augments every batch with a {@link BatchAugmentation} of the default padding ({@link
     * BatchAugmentation#defaultPadding}) whose fill is a black pixel after this data set's
     * normalisation; {@code build()} adds it through {@code addTransform} once the normalisation is
     * known. It draws from the engine's generator, which an ATO run reseeds every epoch (so a
     * resumed run augments as an uninterrupted one). For another padding or fill, add a {@code
     * BatchAugmentation} of your own with {@code addTransform} instead.
     */
    public T optAugmentation(Augmentation augmentation) {
      checkState(
          this.augmentation == null, "optAugmentation was already set to %s", this.augmentation);
      this.augmentation = checkNotNull(augmentation, "augmentation must not be null");
      return self();
    }

    /**
     * As {@link #optAugmentation(Augmentation)}, drawing from a stream of {@code seed} of its own
     * instead: repeatable outside ATO runs, but not across a resumed run.
     */
    public T optAugmentation(Augmentation augmentation, long seed) {
      optAugmentation(augmentation);
      this.augmentationSeed = seed;
      return self();
    }

    /**
     * Pixels of padding around each image before the random crop of {@link #optAugmentation} (the
     * largest shift); {@link BatchAugmentation#defaultPadding} of the image size unless given.
     */
    public T optCropPadding(int padding) {
      checkState(cropPadding == null, "optCropPadding was already set to %s", cropPadding);
      checkArgument(
          padding >= 0,
          "the crop padding must be at least 0, got %s: pass the " + "largest shift in pixels",
          padding);
      cropPadding = padding;
      return self();
    }

    /** {@inheritDoc} The batch size must be positive. */
    @Override
    public T setSampling(int batchSize, boolean random, boolean dropLast) {
      this.batchSize = batchSize;
      return super.setSampling(batchSize, random, dropLast);
    }

    /** What to do when a file is missing, for messages (e.g. the package to install). */
    T missingFileHint(String hint) {
      missingFileHint = ": " + hint;
      return self();
    }

    /** Stores a normalisation given as numbers, to be checked by {@code build()}. */
    T normalization(float[] mean, float[] std) {
      if (normalizationMean != null) {
        throw new IllegalStateException(
            "optNormalization was already set to " + describe(normalizationMean, normalizationStd));
      }
      normalizationMean = mean.clone();
      normalizationStd = std.clone();
      return self();
    }

    /**
     * Checks the options shared by every in-memory data set, in the order a user meets them:
     * sampling, limit, normalisation (against the format's {@code channels}), augmentation.
     */
    void checkOptions(int channels, String channelNames) {
      checkState(sampler != null, "no sampling: call setSampling(batchSize, shuffle)");
      checkArgument(
          batchSize == null || batchSize > 0,
          "batch size must be positive, got %s: pass setSampling(batchSize > 0, shuffle)",
          batchSize);
      checkArgument(
          requestedLimit == null || requestedLimit > 0,
          "optLimit must be positive, got %s: pass the number of images to read, or omit it"
              + " to read them all",
          requestedLimit);
      if (normalizationMean != null) {
        checkArgument(
            !normalizationFromImages,
            "both optNormalization and "
                + "optNormalizationFromImages were given: choose fixed statistics or the images'");
        checkArgument(
            normalizationMean.length == channels,
            "optNormalization gives %s values, the images have %s channels (%s): pass one mean "
                + "and one std per channel",
            normalizationMean.length,
            channels,
            channelNames);
        boolean valid = true;
        for (int c = 0; c < channels; c++) {
          valid &=
              Float.isFinite(normalizationMean[c])
                  && Float.isFinite(normalizationStd[c])
                  && normalizationStd[c] > 0;
        }
        checkArgument(
            valid,
            "optNormalization needs a finite mean and a positive finite std%s, " + "got %s",
            channels == 1 ? "" : " for each channel",
            describe(normalizationMean, normalizationStd));
      }
      checkArgument(
          augmentation == null || augmentation == Augmentation.NONE || pipeline == null,
          "optAugmentation and a pipeline of your own (optPipeline or addTransform) were both "
              + "given: add a BatchAugmentation to your pipeline instead");
    }

    /** The number of images to read from a source of {@code available}. */
    int count(long available) {
      return (int) Math.min(available, requestedLimit == null ? Long.MAX_VALUE : requestedLimit);
    }

    /**
     * Checks that {@code count} images of {@code perImage} values from {@code source} fit the one
     * direct buffer they become, before anything is read.
     */
    static void checkFits(Object source, int count, long perImage) {
      long values = count * perImage;
      checkArgument(
          values * Float.BYTES <= Integer.MAX_VALUE,
          "%s: %s images of %s values need %s bytes as float32, more than one buffer holds (2 "
              + "GiB): read at most %s with optLimit, or check the file if it should hold fewer",
          source,
          count,
          perImage,
          values * Float.BYTES,
          Integer.MAX_VALUE / Float.BYTES / perImage);
    }

    /**
     * Normalises the bytes, turns them into arrays in a new manager named {@code name} and adds the
     * augmentation, then hands everything to {@code create}.
     */
    <D extends InMemoryImageDataset> D assemble(
        ImageBytes bytes, String name, DatasetFactory<D> create) {
      ChannelNormalization normalization;
      if (normalizationFromImages) {
        normalization = ChannelNormalization.fromCounts(counts(bytes));
      } else if (normalizationMean != null) {
        normalization = ChannelNormalization.of(normalizationMean, normalizationStd);
      } else {
        normalization = ChannelNormalization.identity(bytes.channels());
      }
      ByteBuffer pixels = floats(bytes, normalization);
      ByteBuffer classes =
          ByteBuffer.allocateDirect(bytes.count() * Float.BYTES).order(ByteOrder.nativeOrder());
      for (byte label : bytes.labels()) {
        classes.putFloat(label & 0xff);
      }
      classes.rewind();

      NDManager manager =
          parentManager == null ? NDManager.newBaseManager() : parentManager.newSubManager();
      manager.setName(name);
      Pipeline given = pipeline;
      try {
        NDArray images =
            manager.create(
                pixels,
                new Shape(bytes.count(), bytes.channels(), bytes.rows(), bytes.cols()),
                DataType.FLOAT32);
        NDArray labels = manager.create(classes, new Shape(bytes.count()), DataType.FLOAT32);
        if (augmentation != null && augmentation != Augmentation.NONE) {
          BatchAugmentation.Builder crops =
              BatchAugmentation.builder()
                  .setAugmentation(augmentation)
                  .optFill(normalization.black());
          if (augmentationSeed != null) {
            crops.optSeed(augmentationSeed);
          }
          if (cropPadding != null) {
            crops.optPadding(cropPadding);
          }
          addTransform(crops.build());
        }
        return create.create(new Contents(manager, images, labels, normalization, bytes.classes()));
      } catch (RuntimeException e) {
        manager.close();
        throw e;
      } finally {
        // The data set keeps the pipeline it was built with; another build() adds its own.
        pipeline = given;
      }
    }

    /** How many pixels of each channel have each byte value. */
    private static long[][] counts(ImageBytes bytes) {
      long[][] counts = new long[bytes.channels()][256];
      byte[] pixels = bytes.pixels();
      int plane = bytes.plane();
      for (int start = 0, c = 0; start < pixels.length; start += plane) {
        long[] channel = counts[c];
        for (int i = start; i < start + plane; i++) {
          channel[pixels[i] & 0xff]++;
        }
        c = c + 1 == bytes.channels() ? 0 : c + 1;
      }
      return counts;
    }

    /**
     * Maps each byte through its channel's table straight into a native-order direct buffer: the
     * PyTorch engine wraps such a buffer without copying it, so the values exist once, outside the
     * Java heap.
     */
    private static ByteBuffer floats(ImageBytes bytes, ChannelNormalization normalization) {
      float[][] tables = new float[bytes.channels()][];
      for (int c = 0; c < tables.length; c++) {
        tables[c] = normalization.byteTable(c);
      }
      byte[] pixels = bytes.pixels();
      ByteBuffer buffer =
          ByteBuffer.allocateDirect(Math.multiplyExact(pixels.length, Float.BYTES))
              .order(ByteOrder.nativeOrder());
      FloatBuffer out = buffer.asFloatBuffer();
      int plane = bytes.plane();
      float[] mapped = new float[plane];
      for (int start = 0, c = 0; start < pixels.length; start += plane) {
        float[] table = tables[c];
        for (int i = 0; i < plane; i++) {
          mapped[i] = table[pixels[start + i] & 0xff];
        }
        out.put(mapped);
        c = c + 1 == tables.length ? 0 : c + 1;
      }
      return buffer;
    }

    private static String describe(float[] mean, float[] std) {
      if (mean.length == 1) {
        return "mean " + mean[0] + " and std " + std[0];
      }
      return "mean " + Arrays.toString(mean) + " and std " + Arrays.toString(std);
    }
  }

  /** Makes the concrete data set from what its builder assembled. */
  @FunctionalInterface
  interface DatasetFactory<D extends InMemoryImageDataset> {
    D create(Contents contents);
  }
}
