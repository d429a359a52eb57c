package dev.ato.examples.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.RandomAccessDataset;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * The training and test images of one directory, in any {@link DataFormat}: what the examples'
 * command line reads its data through.
 *
 * <pre>{@code
 * try (ImageData data = ImageData.builder()
 *     .setFormat(DataFormat.CIFAR10).setDirectory(dir)
 *     .setBatchSize(128)
 *     .optAugmentation(Augmentation.CROP_FLIP)
 *     .optSeed(42)
 *     .build()) {
 *   model.setBlock(CifarResNet.builder().setDepth(20).setClasses(data.classes()).build());
 *   ... setTrainingData(data.train()).optValidationData(data.test()) ...
 * }
 * }</pre>
 *
 * <p>Training batches are shuffled (by DJL's random sampler, which follows the engine's seed) and
 * augmented as asked; test batches come in order and are never augmented. A held-out part cut from
 * {@link #train()} (as ATO does for its controller) shares its augmentation.
 *
 * <p>Normalisation: IDX and CIFAR images are normalised per channel by the mean and standard
 * deviation of the training images read (after the limit), the test images by the same numbers;
 * this is right for any data and costs one count per byte. Folders use ImageNet's statistics, as
 * their images are photographs read batch by batch. Crops pad IDX and CIFAR images by {@link
 * BatchAugmentation#defaultPadding} (4 pixels for 28x28 and 32x32) with a normalised black; folders
 * use DJL's random resized crop instead (see {@link ImageFolders}).
 *
 * <p>{@link #close()} frees the images held in memory.
 */
public final class ImageData implements AutoCloseable {

  private final DataFormat format;
  private final Path directory;
  private final RandomAccessDataset train;
  private final RandomAccessDataset test;
  private final Shape imageShape;
  private final List<String> classNames;
  private final ChannelNormalization normalization;
  private final Augmentation augmentation;
  private final Integer cropPadding;
  private final String layout;
  private final List<InMemoryImageDataset> owned;

  private ImageData(
      Builder builder,
      RandomAccessDataset train,
      RandomAccessDataset test,
      Shape imageShape,
      List<String> classNames,
      ChannelNormalization normalization,
      String layout,
      List<InMemoryImageDataset> owned,
      Integer cropPadding) {
    this.format = builder.format;
    this.directory = builder.directory;
    this.augmentation = builder.augmentation();
    this.cropPadding = augmentation.crops() ? cropPadding : null;
    this.train = train;
    this.test = test;
    this.imageShape = imageShape;
    this.classNames = List.copyOf(classNames);
    this.normalization = normalization;
    this.layout = layout;
    this.owned = List.copyOf(owned);
  }

  /** Starts a builder; the format, directory and batch size are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The training data: shuffled batches, augmented as asked. */
  public RandomAccessDataset train() {
    return train;
  }

  /** The test data: batches in order, not augmented. */
  public RandomAccessDataset test() {
    return test;
  }

  /** The shape of one image: (channels, height, width). */
  public Shape imageShape() {
    return imageShape;
  }

  /** The number of classes, the size of a classifier's output. */
  public int classes() {
    return classNames.size();
  }

  /**
   * The class names, a label indexing into them: Fashion-MNIST's for a Fashion-MNIST directory (see
   * {@link FashionMnist}), "0", "1", ... for other IDX data, CIFAR-10's, CIFAR-100's from its names
   * file if there (else indices), the class folders' names.
   */
  public List<String> classNames() {
    return classNames;
  }

  /** How the images were normalised. */
  public ChannelNormalization normalization() {
    return normalization;
  }

  /** The format read. */
  public DataFormat format() {
    return format;
  }

  /** The directory read. */
  public Path directory() {
    return directory;
  }

  /** What the training images get. */
  public Augmentation augmentation() {
    return augmentation;
  }

  /**
   * One line for logs and reports, e.g. {@code CIFAR-10 in data/cifar-10-batches-bin: 50000
   * training / 10000 test images of 3x32x32, 10 classes, training augmentation CROP_FLIP}.
   */
  public String description() {
    return String.format(
        Locale.ROOT,
        "%s in %s%s: %s training / %s test images of %sx%sx%s, %s "
            + "classes, training augmentation %s%s",
        format.displayName(),
        directory,
        layout,
        train.size(),
        test.size(),
        imageShape.get(0),
        imageShape.get(1),
        imageShape.get(2),
        classes(),
        augmentation,
        cropPadding == null ? "" : " (crop padding " + cropPadding + ")");
  }

  @Override
  public String toString() {
    return description();
  }

  /** Frees the images held in memory; the data sets are unusable after. */
  @Override
  public void close() {
    RuntimeException failure = null;
    for (InMemoryImageDataset dataset : owned) {
      try {
        dataset.close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * The crop padding of IDX images unless {@link Builder#optCropPadding} says otherwise: 2 pixels
   * of 28, milder than CIFAR's standard 4 of 32 because digits and Fashion-MNIST's items fill their
   * frame. A ResNet-20 on all of Fashion-MNIST underfits with 4 and reaches 93.3% with 2
   * (docs/results.md).
   */
  public static final int IDX_CROP_PADDING = 2;

  /** The crop padding of CIFAR images by default: the standard 4 pixels of 32. */
  private static final int CIFAR_CROP_PADDING =
      BatchAugmentation.defaultPadding(CifarBinary.SIDE, CifarBinary.SIDE);

  /**
   * Builds {@link ImageData}; {@code set*} options are required, {@code opt*} ones optional, each
   * may be given once, and {@link #build()} checks them all before reading anything.
   */
  public static final class Builder {

    private DataFormat format;
    private Path directory;
    private Integer batchSize;
    private Integer trainLimit;
    private Integer testLimit;
    private Augmentation augmentation;
    private Integer cropPadding;
    private Integer imageSize;
    private Long seed;

    private Builder() {}

    /** What the directory holds. */
    public Builder setFormat(DataFormat format) {
      checkState(this.format == null, "setFormat was already set to %s", this.format);
      this.format = checkNotNull(format, "format must not be null");
      return this;
    }

    /**
     * The directory: of the IDX files; of the CIFAR files or the folder their tarball unpacks to;
     * of class folders, or of train/ and val/ (or test/) folders of them.
     */
    public Builder setDirectory(Path directory) {
      checkState(this.directory == null, "setDirectory was already set to %s", this.directory);
      this.directory = checkNotNull(directory, "directory must not be null");
      return this;
    }

    /** Images per batch, for training and test. */
    public Builder setBatchSize(int batchSize) {
      checkState(this.batchSize == null, "setBatchSize was already set to %s", this.batchSize);
      this.batchSize = batchSize;
      return this;
    }

    /**
     * Uses at most {@code limit} training images: the first ones of IDX and CIFAR files (which are
     * in random order), a seeded choice of a folder's.
     */
    public Builder optTrainLimit(int limit) {
      checkState(trainLimit == null, "optTrainLimit was already set to %s", trainLimit);
      trainLimit = limit;
      return this;
    }

    /** Uses at most {@code limit} test images, chosen as for {@link #optTrainLimit}. */
    public Builder optTestLimit(int limit) {
      checkState(testLimit == null, "optTestLimit was already set to %s", testLimit);
      testLimit = limit;
      return this;
    }

    /** What the training images get; {@link Augmentation#NONE} by default. */
    public Builder optAugmentation(Augmentation augmentation) {
      checkState(
          this.augmentation == null, "optAugmentation was already set to %s", this.augmentation);
      this.augmentation = checkNotNull(augmentation, "augmentation must not be null");
      return this;
    }

    /**
     * Pixels of padding around IDX and CIFAR images before their random crop (the largest shift);
     * by default {@value #IDX_CROP_PADDING} for IDX images and {@link
     * BatchAugmentation#defaultPadding} of the image size (4 for 32x32) for CIFAR ones. Folders use
     * DJL's random resized crop, which has no padding.
     */
    public Builder optCropPadding(int padding) {
      checkState(cropPadding == null, "optCropPadding was already set to %s", cropPadding);
      cropPadding = padding;
      return this;
    }

    /**
     * The side of the square that folder images are resized to (FOLDER only; IDX and CIFAR images
     * keep their size); {@value ImageFolders#DEFAULT_IMAGE_SIZE} by default.
     */
    public Builder optImageSize(int size) {
      checkState(imageSize == null, "optImageSize was already set to %s", imageSize);
      imageSize = size;
      return this;
    }

    /**
     * Seeds a folder's held-out test images and limits; 0 by default. (Shuffling and the
     * augmentation of every format follow the engine's seed, which an ATO run sets from its own
     * every epoch.)
     */
    public Builder optSeed(long seed) {
      checkState(this.seed == null, "optSeed was already set to %s", this.seed);
      this.seed = seed;
      return this;
    }

    private Augmentation augmentation() {
      return augmentation == null ? Augmentation.NONE : augmentation;
    }

    /**
     * Checks the options, then reads (IDX, CIFAR) or lists (FOLDER) the images; may be called
     * again.
     *
     * @throws FileNotFoundException if the directory or a file it must hold is missing
     * @throws java.io.EOFException if a file is truncated
     * @throws IllegalArgumentException if an option is missing or out of range, or the data is not
     *     of its format
     * @throws IOException if a file cannot be read
     */
    public ImageData build() throws IOException {
      checkState(format != null, "no format: call setFormat(%s)", List.of(DataFormat.values()));
      checkState(directory != null, "no directory: call setDirectory(path)");
      checkState(batchSize != null, "no batch size: call setBatchSize(size)");
      checkArgument(batchSize > 0, "the batch size must be positive, got %s", batchSize);
      checkArgument(
          trainLimit == null || trainLimit > 0,
          "the training limit must be positive, "
              + "got %s: pass the number of training images to use, or omit it",
          trainLimit);
      checkArgument(
          testLimit == null || testLimit > 0,
          "the test limit must be positive, got "
              + "%s: pass the number of test images to use, or omit it",
          testLimit);
      checkArgument(
          imageSize == null || format == DataFormat.FOLDER,
          "an image size (%s) "
              + "applies to FOLDER data only: %s images keep their own size, leave it out",
          imageSize,
          format);
      checkArgument(
          imageSize == null || imageSize > 0,
          "the image size must be positive, got " + "%s",
          imageSize);
      checkArgument(
          cropPadding == null || format != DataFormat.FOLDER,
          "a crop padding (%s) "
              + "applies to IDX and CIFAR data only: folder images get a random resized crop, "
              + "leave it out",
          cropPadding);
      checkArgument(
          cropPadding == null || cropPadding >= 0,
          "the crop padding must be at " + "least 0, got %s: pass the largest shift in pixels",
          cropPadding);
      long seedValue = seed == null ? 0 : seed;
      return switch (format) {
        case IDX -> idx();
        case CIFAR10 -> cifar(CifarBinary.Variant.CIFAR10);
        case CIFAR100 -> cifar(CifarBinary.Variant.CIFAR100);
        case FOLDER -> folder(seedValue);
      };
    }

    private ImageData idx() throws IOException {
      if (!Files.isDirectory(directory)) {
        throw new FileNotFoundException(
            "IDX directory " + directory + " does not exist: " + idxHint());
      }
      int padding = cropPadding(IDX_CROP_PADDING);
      IdxImageDataset train =
          augmented(limit(idxBuilder(Dataset.Usage.TRAIN), trainLimit), padding)
              .optNormalizationFromImages()
              .setSampling(batchSize, true)
              .build();
      try {
        IdxImageDataset test =
            limit(idxBuilder(Dataset.Usage.TEST), testLimit)
                .optNormalization(train.normalization())
                .setSampling(batchSize, false)
                .build();
        try {
          int classes = Math.max(train.classes(), test.classes());
          List<String> names;
          if (FashionMnist.isFashionMnistDirectory(directory)) {
            checkArgument(
                classes <= FashionMnist.CLASS_NAMES.size(),
                "the IDX files in %s hold "
                    + "labels up to %s, but Fashion-MNIST has %s classes: are they Fashion-MNIST's?",
                directory,
                classes - 1,
                FashionMnist.CLASS_NAMES.size());
            names = FashionMnist.CLASS_NAMES;
          } else {
            names = indices(classes);
          }
          return new ImageData(
              this,
              train,
              test,
              train.imageShape(),
              names,
              train.normalization(),
              "",
              List.of(train, test),
              padding);
        } catch (RuntimeException e) {
          test.close();
          throw e;
        }
      } catch (IOException | RuntimeException e) {
        train.close();
        throw e;
      }
    }

    private IdxImageDataset.Builder idxBuilder(Dataset.Usage usage) {
      String prefix = usage == Dataset.Usage.TRAIN ? "train" : "t10k";
      return IdxImageDataset.builder()
          .setImages(FashionMnist.file(directory, prefix + "-images-idx3-ubyte"))
          .setLabels(FashionMnist.file(directory, prefix + "-labels-idx1-ubyte"))
          .missingFileHint(idxHint());
    }

    private static String idxHint() {
      return "an IDX directory holds train-images-idx3-ubyte, train-labels-idx1-ubyte, "
          + "t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, each plain or .gz (for "
          + "Fashion-MNIST: apt-get install dataset-fashion-mnist, then "
          + FashionMnist.DEBIAN_DIRECTORY
          + ")";
    }

    private ImageData cifar(CifarBinary.Variant variant) throws IOException {
      int padding = cropPadding(CIFAR_CROP_PADDING);
      CifarBinary train =
          augmented(limit(cifarBuilder(variant, Dataset.Usage.TRAIN), trainLimit), padding)
              .optNormalizationFromImages()
              .setSampling(batchSize, true)
              .build();
      try {
        CifarBinary test =
            limit(cifarBuilder(variant, Dataset.Usage.TEST), testLimit)
                .optNormalization(train.normalization())
                .setSampling(batchSize, false)
                .build();
        String layout =
            train.directory().equals(directory)
                ? ""
                : " (" + directory.relativize(train.directory()) + ")";
        return new ImageData(
            this,
            train,
            test,
            train.imageShape(),
            train.classNames(),
            train.normalization(),
            layout,
            List.of(train, test),
            padding);
      } catch (IOException | RuntimeException e) {
        train.close();
        throw e;
      }
    }

    private CifarBinary.Builder cifarBuilder(CifarBinary.Variant variant, Dataset.Usage usage) {
      return CifarBinary.builder().setVariant(variant).setDirectory(directory).setUsage(usage);
    }

    private ImageData folder(long seedValue) throws IOException {
      ImageFolders.Builder builder =
          ImageFolders.builder()
              .setDirectory(directory)
              .setBatchSize(batchSize)
              .optAugmentation(augmentation())
              .optSeed(seedValue);
      if (imageSize != null) {
        builder.optImageSize(imageSize);
      }
      if (trainLimit != null) {
        builder.optTrainLimit(trainLimit);
      }
      if (testLimit != null) {
        builder.optTestLimit(testLimit);
      }
      ImageFolders folders = builder.build();
      String layout =
          folders.layout() == ImageFolders.Layout.TRAIN_TEST_FOLDERS
              ? " ("
                  + directory.relativize(folders.trainDirectory())
                  + "/ and "
                  + directory.relativize(folders.testDirectory())
                  + "/)"
              : String.format(
                  Locale.ROOT, " (%.0f%% held out)", 100 * ImageFolders.DEFAULT_TEST_FRACTION);
      return new ImageData(
          this,
          folders.train(),
          folders.test(),
          folders.imageShape(),
          folders.classNames(),
          ChannelNormalization.IMAGENET,
          layout,
          List.of(),
          null);
    }

    private static <B extends InMemoryImageDataset.ImageBuilder<B>> B limit(
        B builder, Integer limit) {
      return limit == null ? builder : builder.optLimit(limit);
    }

    private <B extends InMemoryImageDataset.ImageBuilder<B>> B augmented(B builder, int padding) {
      // The engine's generator, reseeded by the run every epoch, not a stream of its own: a
      // resumed run then augments as the uninterrupted one did.
      return builder.optAugmentation(augmentation()).optCropPadding(padding);
    }

    /** The crop padding asked for, else the format's. */
    private int cropPadding(int formatDefault) {
      return cropPadding != null ? cropPadding : formatDefault;
    }

    private static List<String> indices(int classes) {
      return IntStream.range(0, classes).mapToObj(Integer::toString).toList();
    }
  }
}
