package dev.ato.examples.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import ai.djl.basicdataset.cv.classification.ImageFolder;
import ai.djl.modality.cv.transform.Normalize;
import ai.djl.modality.cv.transform.RandomResizedCrop;
import ai.djl.modality.cv.transform.ToTensor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.translate.Transform;
import ai.djl.util.RandomUtils;
import dev.ato.djl.data.HeldOutSplit;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Images in folders, one sub-folder per class, read through DJL's {@link ImageFolder} (which reads
 * local files only; nothing is downloaded): each image is decoded as RGB, resized to a square,
 * scaled to [0, 1] ({@code ToTensor}) and normalised with ImageNet's statistics ({@link
 * ChannelNormalization#IMAGENET}). Images are read batch by batch, not held in memory, so there is
 * nothing to close.
 *
 * <p>Two layouts are understood:
 *
 * <ul>
 *   <li>{@code DIR/train/CLASS/*.png} and {@code DIR/val/CLASS/*.png} (or {@code test/} instead of
 *       {@code val/}; {@code val/} if both): the two parts as given, with the same classes;
 *   <li>{@code DIR/CLASS/*.png}: a share ({@value #DEFAULT_TEST_FRACTION} by default) chosen by the
 *       seed is held out as the test part.
 * </ul>
 *
 * Classes are the sub-folders' names in sorted order, a label is an index into them (as a float, as
 * the in-memory data sets give it). Images are the files directly in a class folder whose names end
 * in .jpg, .jpeg, .png, .bmp, .wbmp or .gif (DJL's choice).
 *
 * <p>Training images may be augmented: {@link Augmentation#CROP} replaces the resize with DJL's
 * {@link RandomResizedCrop} (a random 8%-100% of the area at an aspect ratio of 3/4 to 4/3, resized
 * to the square; the usual ImageNet training crop), {@link Augmentation#CROP_FLIP} adds a
 * left-right flip with probability 0.5. Both draw from DJL's engine generator, so they follow
 * {@code Engine.getInstance().setRandomSeed}, which an ATO run sets from its seed. DJL's own {@code
 * RandomFlipLeftRight} is not used: in DJL 0.35.1 it returns its input unflipped.
 */
public final class ImageFolders {

  /** The side images are resized to unless another is given. */
  public static final int DEFAULT_IMAGE_SIZE = 224;

  /** The share held out for testing when the folder has no train/test split of its own. */
  public static final double DEFAULT_TEST_FRACTION = 0.1;

  /** The file name endings DJL's image folder reads (compared in lower case). */
  public static final Set<String> IMAGE_EXTENSIONS =
      Set.of(".jpg", ".jpeg", ".png", ".bmp", ".wbmp", ".gif");

  private static final String LAYOUT =
      "one sub-folder of images per class (DIR/cat/1.png, "
          + "DIR/dog/2.jpg, ...), or train/ and val/ (or test/) folders that each hold such class "
          + "folders";

  /** How the directory was divided into training and test images. */
  public enum Layout {
    /** {@code train/} and {@code val/} (or {@code test/}) folders, each with the classes. */
    TRAIN_TEST_FOLDERS,
    /** The class folders themselves; a seeded share of their images is the test part. */
    HELD_OUT
  }

  private final Path directory;
  private final Layout layout;
  private final Path trainDirectory;
  private final Path testDirectory;
  private final RandomAccessDataset train;
  private final RandomAccessDataset test;
  private final List<String> classNames;
  private final int imageSize;

  private ImageFolders(
      Builder builder,
      Layout layout,
      Path trainDirectory,
      Path testDirectory,
      RandomAccessDataset train,
      RandomAccessDataset test,
      List<String> classNames) {
    this.directory = builder.directory;
    this.layout = layout;
    this.trainDirectory = trainDirectory;
    this.testDirectory = testDirectory;
    this.train = train;
    this.test = test;
    this.classNames = classNames;
    this.imageSize = builder.imageSize;
  }

  /** Starts a builder; the directory and the batch size are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The training images: shuffled batches, augmented as asked. */
  public RandomAccessDataset train() {
    return train;
  }

  /** The test images: batches in order, never augmented. */
  public RandomAccessDataset test() {
    return test;
  }

  /** The class names, sorted; a label is an index into them. */
  public List<String> classNames() {
    return classNames;
  }

  /** The shape of one image as the data sets give it: (3, size, size). */
  public Shape imageShape() {
    return new Shape(3, imageSize, imageSize);
  }

  /** The directory given to the builder. */
  public Path directory() {
    return directory;
  }

  /** Whether the directory had its own train/test folders or a share was held out. */
  public Layout layout() {
    return layout;
  }

  /** The folder whose class folders hold the training images. */
  public Path trainDirectory() {
    return trainDirectory;
  }

  /** The folder whose class folders hold the test images (the training folder if held out). */
  public Path testDirectory() {
    return testDirectory;
  }

  /**
   * The class folders of {@code folder}: its sub-folders not starting with a dot, in sorted order,
   * as DJL's image folder lists them.
   *
   * @throws IOException if the folder cannot be listed
   */
  static List<String> classFolders(Path folder) throws IOException {
    try (Stream<Path> children = Files.list(folder)) {
      return children
          .filter(Files::isDirectory)
          .map(path -> path.getFileName().toString())
          .filter(name -> !name.startsWith("."))
          .sorted()
          .toList();
    }
  }

  /** Whether DJL's image folder reads {@code file} as an image. */
  static boolean isImage(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return Files.isRegularFile(file)
        && !name.startsWith(".")
        && !file.toFile().isHidden()
        && dot >= 0
        && IMAGE_EXTENSIONS.contains(name.substring(dot).toLowerCase(Locale.ROOT));
  }

  /** Flips an {@code [H, W, C]} image left to right with probability 0.5 (DJL's generator). */
  private static final class FlipLeftRight implements Transform {
    @Override
    public NDArray transform(NDArray image) {
      return RandomUtils.nextFloat() < 0.5f ? image.flip(1) : image;
    }
  }

  /** Labels as the in-memory data sets give them: class indices as float32. */
  private static final class LabelAsFloat implements Transform {
    @Override
    public NDArray transform(NDArray label) {
      return label.toType(DataType.FLOAT32, false);
    }
  }

  /**
   * Builds {@link ImageFolders}; {@code set*} options are required, {@code opt*} ones optional,
   * each may be given once, and {@link #build()} checks them and the folders before any image is
   * read.
   */
  public static final class Builder {

    private Path directory;
    private Integer batchSize;
    private int imageSize = DEFAULT_IMAGE_SIZE;
    private boolean imageSizeSet;
    private Augmentation augmentation;
    private Long seed;
    private Integer trainLimit;
    private Integer testLimit;
    private Double testFraction;

    private Builder() {}

    /** The directory of class folders, or of train/ and val/ (or test/) folders. */
    public Builder setDirectory(Path directory) {
      checkState(this.directory == null, "setDirectory was already set to %s", this.directory);
      this.directory = checkNotNull(directory, "directory must not be null");
      return this;
    }

    /** Images per batch, for training (shuffled) and test (in order). */
    public Builder setBatchSize(int batchSize) {
      checkState(this.batchSize == null, "setBatchSize was already set to %s", this.batchSize);
      this.batchSize = batchSize;
      return this;
    }

    /** The side of the square images are resized to; {@value #DEFAULT_IMAGE_SIZE} by default. */
    public Builder optImageSize(int size) {
      checkState(!imageSizeSet, "optImageSize was already set to %s", imageSize);
      imageSizeSet = true;
      imageSize = size;
      return this;
    }

    /** What the training images get; {@link Augmentation#NONE} by default. */
    public Builder optAugmentation(Augmentation augmentation) {
      checkState(
          this.augmentation == null, "optAugmentation was already set to %s", this.augmentation);
      this.augmentation = checkNotNull(augmentation, "augmentation must not be null");
      return this;
    }

    /** Chooses the held-out test images and the images a limit keeps; 0 by default. */
    public Builder optSeed(long seed) {
      checkState(this.seed == null, "optSeed was already set to %s", this.seed);
      this.seed = seed;
      return this;
    }

    /**
     * Uses only {@code limit} training images, chosen by the seed (not the first ones: those would
     * be the first classes, as the folders list images class by class).
     */
    public Builder optTrainLimit(int limit) {
      checkState(trainLimit == null, "optTrainLimit was already set to %s", trainLimit);
      trainLimit = limit;
      return this;
    }

    /** Uses only {@code limit} test images, chosen by the seed. */
    public Builder optTestLimit(int limit) {
      checkState(testLimit == null, "optTestLimit was already set to %s", testLimit);
      testLimit = limit;
      return this;
    }

    /**
     * The share of the images held out for testing when the directory has no train/ and val/
     * folders; {@value #DEFAULT_TEST_FRACTION} by default.
     */
    public Builder optTestFraction(double fraction) {
      checkState(testFraction == null, "optTestFraction was already set to %s", testFraction);
      testFraction = fraction;
      return this;
    }

    /**
     * Checks the options and the folders, then lists the images; may be called again.
     *
     * @throws FileNotFoundException if the directory does not exist
     * @throws IllegalArgumentException if there are no classes, a class folder holds no images, the
     *     train and test folders name different classes, or an option is out of range
     * @throws IOException if a folder cannot be listed
     */
    public ImageFolders build() throws IOException {
      checkState(directory != null, "no directory: call setDirectory(path)");
      checkState(batchSize != null, "no batch size: call setBatchSize(size)");
      checkArgument(
          batchSize > 0,
          "batch size must be positive, got %s: pass setBatchSize(size " + "> 0)",
          batchSize);
      checkArgument(
          imageSize > 0,
          "optImageSize must be positive, got %s: pass the side in " + "pixels (%s by default)",
          imageSize,
          DEFAULT_IMAGE_SIZE);
      checkArgument(
          trainLimit == null || trainLimit > 0,
          "optTrainLimit must be positive, got "
              + "%s: pass the number of training images to use, or omit it to use them all",
          trainLimit);
      checkArgument(
          testLimit == null || testLimit > 0,
          "optTestLimit must be positive, got %s: "
              + "pass the number of test images to use, or omit it to use them all",
          testLimit);
      double fraction = testFraction == null ? DEFAULT_TEST_FRACTION : testFraction;
      checkArgument(
          fraction > 0 && fraction < 1,
          "optTestFraction must lie strictly between 0 " + "and 1, got %s",
          fraction);
      if (!Files.isDirectory(directory)) {
        throw new FileNotFoundException(
            "image folder "
                + directory
                + (Files.exists(directory) ? " is not a directory" : " does not exist")
                + ": give a directory with "
                + LAYOUT);
      }
      long seedValue = seed == null ? 0 : seed;
      Augmentation what = augmentation == null ? Augmentation.NONE : augmentation;

      Path trainFolder = directory.resolve("train");
      Path testFolder =
          Files.isDirectory(directory.resolve("val"))
              ? directory.resolve("val")
              : directory.resolve("test");
      boolean split =
          Files.isDirectory(trainFolder)
              && Files.isDirectory(testFolder)
              && !classFolders(trainFolder).isEmpty();
      RandomAccessDataset train;
      RandomAccessDataset test;
      List<String> classes;
      if (split) {
        classes = checkedClasses(trainFolder);
        List<String> testClasses = checkedClasses(testFolder);
        if (!classes.equals(testClasses)) {
          List<String> notInTest = new ArrayList<>(classes);
          notInTest.removeAll(testClasses);
          List<String> notInTrain = new ArrayList<>(testClasses);
          notInTrain.removeAll(classes);
          throw new IllegalArgumentException(
              String.format(
                  "the train folder %s has classes %s "
                      + "but the test folder %s has %s (only in train: %s; only in test: %s): both "
                      + "must hold the same class folders",
                  trainFolder, classes, testFolder, testClasses, notInTest, notInTrain));
        }
        train = folder(trainFolder, what, true);
        test = folder(testFolder, Augmentation.NONE, false);
      } else {
        trainFolder = directory;
        testFolder = directory;
        classes = checkedClasses(directory);
        // Two readers of the same folder, so that the test part is not augmented: a part made
        // with subDataset shares its parent's pipeline. Both list the same files in the same
        // order, so the same seed holds out the same images of each.
        RandomAccessDataset augmented = folder(directory, what, true);
        RandomAccessDataset plain = folder(directory, Augmentation.NONE, false);
        checkState(
            augmented.size() == plain.size(),
            "image folder %s changed while being " + "listed (%s, then %s images)",
            directory,
            augmented.size(),
            plain.size());
        checkArgument(
            Math.round(fraction * plain.size()) >= 1
                && Math.round(fraction * plain.size()) < plain.size(),
            "holding out %s of the %s images in %s leaves a part empty: add images or pass "
                + "another optTestFraction",
            fraction,
            plain.size(),
            directory);
        train = HeldOutSplit.of(augmented, fraction, seedValue).train();
        test = HeldOutSplit.of(plain, fraction, seedValue).heldOut();
      }
      train = limited(train, trainLimit, seedValue + 1);
      test = limited(test, testLimit, seedValue + 2);
      return new ImageFolders(
          this,
          split ? Layout.TRAIN_TEST_FOLDERS : Layout.HELD_OUT,
          trainFolder,
          testFolder,
          train,
          test,
          classes);
    }

    /** The class folders of {@code folder}, each checked to hold an image. */
    private static List<String> checkedClasses(Path folder) throws IOException {
      List<String> classes = classFolders(folder);
      checkArgument(
          !classes.isEmpty(), "image folder %s has no classes: expected %s", folder, LAYOUT);
      for (String name : classes) {
        Path classFolder = folder.resolve(name);
        boolean any;
        try (Stream<Path> files = Files.list(classFolder)) {
          any = files.anyMatch(ImageFolders::isImage);
        }
        if (!any) {
          throw new IllegalArgumentException(
              String.format(
                  "class folder %s holds no images "
                      + "(files ending in %s)%s: add images or remove the folder",
                  classFolder,
                  String.join(", ", IMAGE_EXTENSIONS.stream().sorted().toList()),
                  classFolders(classFolder).isEmpty()
                      ? ""
                      : "; it has sub-folders, but images "
                          + "must lie directly in their class folder (for train/ and val/ folders, "
                          + "both must be there)"));
        }
      }
      return classes;
    }

    /** DJL's image folder over {@code folder}, its images listed. */
    private RandomAccessDataset folder(Path folder, Augmentation what, boolean shuffle)
        throws IOException {
      ImageFolder.Builder builder =
          ImageFolder.builder().setRepositoryPath(folder).setSampling(batchSize, shuffle);
      if (what.crops()) {
        builder.addTransform(new RandomResizedCrop(imageSize, imageSize));
      } else {
        builder.optImageSize(imageSize);
      }
      if (what.flips()) {
        builder.addTransform(new FlipLeftRight());
      }
      ChannelNormalization imageNet = ChannelNormalization.IMAGENET;
      ImageFolder images =
          builder
              .addTransform(new ToTensor())
              .addTransform(new Normalize(imageNet.mean(), imageNet.std()))
              .addTargetTransform(new LabelAsFloat())
              .build();
      // Lists the files now: an unprepared folder has size 0, and parts are cut from it.
      images.prepare(null);
      return images;
    }

    /** {@code limit} records of {@code data} chosen by {@code seed}, in order; all if fewer. */
    private static RandomAccessDataset limited(RandomAccessDataset data, Integer limit, long seed) {
      if (limit == null || limit >= data.size()) {
        return data;
      }
      // Holding out exactly `limit` records is choosing them uniformly by the seed.
      return HeldOutSplit.of(data, (double) limit / data.size(), seed).heldOut();
    }
  }
}
