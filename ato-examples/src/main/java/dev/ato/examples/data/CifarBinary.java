package dev.ato.examples.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import ai.djl.training.dataset.Dataset;
import com.google.common.collect.ImmutableList;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CIFAR-10 or CIFAR-100 (Krizhevsky, 2009: 32x32 colour images, 50,000 for training and 10,000 for
 * test, in 10 or 100 classes) from the "binary version" files, held in memory as in {@link
 * InMemoryImageDataset}: images {@code [N, 3, 32, 32]}, labels {@code [N]}.
 *
 * <pre>{@code
 * try (CifarBinary train = CifarBinary.builder()
 *     .setVariant(CifarBinary.Variant.CIFAR10)
 *     .setDirectory(Path.of("data"))          // data/cifar-10-batches-bin/ or the files
 *     .setUsage(Dataset.Usage.TRAIN)
 *     .optNormalizationFromImages()
 *     .optAugmentation(Augmentation.CROP_FLIP, 42)
 *     .setSampling(128, true)
 *     .build()) { ... }
 * }</pre>
 *
 * <p>Each record is one label byte (CIFAR-100: a coarse label byte, then the fine label byte used
 * here) followed by 3072 pixel bytes: the 1024 red values of the 32 rows, then the green, then the
 * blue, which is already the {@code [C, H, W]} order DJL's models take. CIFAR-10 keeps its training
 * set in {@code data_batch_1.bin} to {@code data_batch_5.bin} and its test set in {@code
 * test_batch.bin}; CIFAR-100 in {@code train.bin} and {@code test.bin}. The directory may hold the
 * files, or the folder that the official tarball unpacks to ({@code cifar-10-batches-bin/}, {@code
 * cifar-100-binary/}).
 */
public final class CifarBinary extends InMemoryImageDataset {

  private static final Logger LOG = LoggerFactory.getLogger(CifarBinary.class);

  /** The side of every image, in pixels. */
  public static final int SIDE = 32;

  /** Pixel bytes per image: 3 channels of 32x32. */
  public static final int PIXELS = 3 * SIDE * SIDE;

  /** CIFAR-10's class names; a label is an index into this list (label 9 is "truck"). */
  public static final List<String> CIFAR10_CLASS_NAMES =
      List.of(
          "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");

  /** The names file of CIFAR-100's fine labels, one per line, as its tarball holds it. */
  public static final String CIFAR100_NAMES_FILE = "fine_label_names.txt";

  private static final int BUFFER = 1 << 16;

  /** Which of the two data sets, with what its files look like. */
  public enum Variant {
    /** CIFAR-10: 10 classes, records of a label byte and the pixels. */
    CIFAR10(
        "CIFAR-10",
        "cifar-10-batches-bin",
        "cifar-10-binary.tar.gz",
        10,
        1,
        List.of(
            "data_batch_1.bin",
            "data_batch_2.bin",
            "data_batch_3.bin",
            "data_batch_4.bin",
            "data_batch_5.bin"),
        List.of("test_batch.bin")),
    /** CIFAR-100: 100 fine classes in 20 coarse ones, records of both label bytes and pixels. */
    CIFAR100(
        "CIFAR-100",
        "cifar-100-binary",
        "cifar-100-binary.tar.gz",
        100,
        2,
        List.of("train.bin"),
        List.of("test.bin"));

    private final String displayName;
    private final String folder;
    private final String tarball;
    private final int classes;
    private final int labelBytes;
    private final ImmutableList<String> trainFiles;
    private final ImmutableList<String> testFiles;

    Variant(
        String displayName,
        String folder,
        String tarball,
        int classes,
        int labelBytes,
        List<String> trainFiles,
        List<String> testFiles) {
      this.displayName = displayName;
      this.folder = folder;
      this.tarball = tarball;
      this.classes = classes;
      this.labelBytes = labelBytes;
      this.trainFiles = ImmutableList.copyOf(trainFiles);
      this.testFiles = ImmutableList.copyOf(testFiles);
    }

    /** "CIFAR-10" or "CIFAR-100". */
    public String displayName() {
      return displayName;
    }

    /** The folder the official tarball unpacks to. */
    public String folder() {
      return folder;
    }

    /** The number of classes (fine classes for CIFAR-100). */
    public int classes() {
      return classes;
    }

    /** Bytes per record: the label bytes and {@link #PIXELS}. */
    public int recordBytes() {
      return labelBytes + PIXELS;
    }

    /** The file names of the training or the test set. */
    public List<String> files(Dataset.Usage usage) {
      return usage == Dataset.Usage.TRAIN ? trainFiles : testFiles;
    }

    private String allFiles() {
      List<String> all = new ArrayList<>(trainFiles);
      all.addAll(testFiles);
      return String.join(", ", all);
    }

    private Variant other() {
      return this == CIFAR10 ? CIFAR100 : CIFAR10;
    }
  }

  private final Variant variant;
  private final Path directory;
  private final List<String> classNames;

  private CifarBinary(Builder builder, Contents contents, Path directory, List<String> classNames) {
    super(builder, contents);
    this.variant = builder.variant;
    this.directory = directory;
    this.classNames = classNames;
  }

  /** Starts a builder; the variant, directory, usage and sampling are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** CIFAR-10 or CIFAR-100. */
  public Variant variant() {
    return variant;
  }

  /** The directory the files were read from (the tarball's folder, if it was given its parent). */
  public Path directory() {
    return directory;
  }

  /**
   * The class names, a label indexing into them: CIFAR-10's ten names; for CIFAR-100 the lines of
   * {@value #CIFAR100_NAMES_FILE} if the directory holds it, else "0" to "99".
   */
  public List<String> classNames() {
    return classNames;
  }

  /**
   * The directory that holds {@code variant}'s files: {@code directory} itself if it holds any of
   * them, else its {@link Variant#folder()} sub-folder if there is one.
   *
   * @throws FileNotFoundException if the directory does not exist or holds neither
   */
  public static Path locate(Path directory, Variant variant) throws FileNotFoundException {
    checkNotNull(directory, "directory must not be null");
    checkNotNull(variant, "variant must not be null");
    String unpack = "download the binary version (" + variant.tarball + ") and unpack it there";
    if (!Files.isDirectory(directory)) {
      throw new FileNotFoundException(
          variant.displayName
              + " directory "
              + directory
              + (Files.exists(directory) ? " is not a directory" : " does not exist")
              + ": "
              + unpack);
    }
    if (holdsAny(directory, variant)) {
      return directory;
    }
    Path folder = directory.resolve(variant.folder);
    if (Files.isDirectory(folder)) {
      return folder;
    }
    throw new FileNotFoundException(
        variant.displayName
            + " directory "
            + directory
            + " holds neither its files ("
            + variant.allFiles()
            + ") nor a "
            + variant.folder
            + " folder: "
            + unpack);
  }

  private static boolean holdsAny(Path directory, Variant variant) {
    return Stream.concat(variant.trainFiles.stream(), variant.testFiles.stream())
        .anyMatch(name -> Files.exists(directory.resolve(name)));
  }

  /**
   * Builds a {@link CifarBinary}; {@code set*} options are required, {@code opt*} ones optional,
   * each option may be given once, and {@link #build()} checks them all, and the files' presence
   * and sizes, before reading anything.
   */
  public static final class Builder extends ImageBuilder<Builder> {

    private Variant variant;
    private Path directory;
    private Dataset.Usage usage;

    private Builder() {}

    @Override
    protected Builder self() {
      return this;
    }

    /** CIFAR-10 or CIFAR-100. */
    public Builder setVariant(Variant variant) {
      checkState(this.variant == null, "setVariant was already set to %s", this.variant);
      this.variant = checkNotNull(variant, "variant must not be null");
      return this;
    }

    /** The directory that holds the files, or the folder the tarball unpacks to. */
    public Builder setDirectory(Path directory) {
      checkState(this.directory == null, "setDirectory was already set to %s", this.directory);
      this.directory = checkNotNull(directory, "directory must not be null");
      return this;
    }

    /** {@code TRAIN} or {@code TEST}; CIFAR has no validation files. */
    public Builder setUsage(Dataset.Usage usage) {
      checkState(this.usage == null, "setUsage was already set to %s", this.usage);
      this.usage = checkNotNull(usage, "usage must not be null");
      return this;
    }

    /**
     * Normalises each pixel {@code x} in [0, 1] of channel {@code c} (red, green, blue) to {@code
     * (x - mean[c]) / std[c]}.
     */
    public Builder optNormalization(float[] mean, float[] std) {
      checkNotNull(mean, "mean must not be null");
      checkNotNull(std, "std must not be null");
      checkArgument(
          mean.length == std.length,
          "optNormalization needs as many stds as means, got %s means and %s stds",
          mean.length,
          std.length);
      return normalization(mean, std);
    }

    /**
     * Checks the options and the files, then reads them; may be called again.
     *
     * @throws FileNotFoundException if the directory or a file is missing
     * @throws EOFException if a file is not a whole number of records (truncated)
     * @throws IllegalArgumentException if a label is out of range (a corrupt file) or an option is
     *     missing or out of range
     * @throws IOException if a file cannot be read
     */
    public CifarBinary build() throws IOException {
      checkState(variant != null, "no variant: call setVariant(CIFAR10 or CIFAR100)");
      checkState(directory != null, "no directory: call setDirectory(path)");
      checkState(usage != null, "no usage: call setUsage(TRAIN or TEST)");
      checkArgument(
          usage == Dataset.Usage.TRAIN || usage == Dataset.Usage.TEST,
          "%s has TRAIN and TEST files, not %s: hold out part of TRAIN with " + "CifarBinary.split",
          variant.displayName,
          usage);
      checkOptions(3, "red, green, blue");

      long start = System.nanoTime();
      Path folder = locate(directory, variant);
      List<Path> files = new ArrayList<>();
      long available = 0;
      for (String name : variant.files(usage)) {
        Path file = folder.resolve(name);
        available += records(file);
        files.add(file);
      }
      int count = count(available);
      checkFits(folder, count, PIXELS);
      List<String> names = classNames(folder);

      byte[] pixels = new byte[count * PIXELS];
      byte[] labels = new byte[count];
      int read = 0;
      for (Path file : files) {
        if (read == count) {
          break;
        }
        read = readRecords(file, pixels, labels, read, count);
      }
      CifarBinary dataset =
          assemble(
              new ImageBytes(pixels, labels, count, 3, SIDE, SIDE, variant.classes),
              variant.displayName + " " + usage,
              contents -> new CifarBinary(this, contents, folder, names));
      LOG.info(
          "read {} of {} {} {} images from {} in {} ms",
          count,
          available,
          variant.displayName,
          usage,
          folder,
          (System.nanoTime() - start) / 1_000_000);
      return dataset;
    }

    /** The number of records in {@code file}, which must be a whole number of them. */
    private long records(Path file) throws IOException {
      String set = usage == Dataset.Usage.TRAIN ? "training" : "test";
      if (!Files.isRegularFile(file)) {
        throw new FileNotFoundException(
            variant.displayName
                + " "
                + set
                + " file "
                + file
                + " does not exist: "
                + file.getParent()
                + " must hold "
                + variant.allFiles()
                + ", as "
                + variant.tarball
                + " unpacks them");
      }
      long size = Files.size(file);
      int record = variant.recordBytes();
      if (size == 0) {
        throw new EOFException(
            variant.displayName
                + " file "
                + file
                + " is empty: download "
                + "and unpack "
                + variant.tarball
                + " again");
      }
      if (size % record != 0) {
        int otherRecord = variant.other().recordBytes();
        throw new EOFException(
            String.format(
                "%s file %s is truncated: its %s bytes are %s "
                    + "records of %s bytes and %s bytes left over%s; download and unpack %s again",
                variant.displayName,
                file,
                size,
                size / record,
                record,
                size % record,
                size % otherRecord == 0
                    ? " (they are whole "
                        + variant.other().displayName
                        + " records: is this "
                        + variant.other().displayName
                        + "?)"
                    : "",
                variant.tarball));
      }
      return size / record;
    }

    /**
     * Reads records of {@code file} into the arrays from index {@code from} until the file ends or
     * {@code count} records are read; returns the new number read.
     */
    private int readRecords(Path file, byte[] pixels, byte[] labels, int from, int count)
        throws IOException {
      int recordBytes = variant.recordBytes();
      byte[] record = new byte[recordBytes];
      int index = from;
      try (InputStream in = new BufferedInputStream(Files.newInputStream(file), BUFFER)) {
        for (long r = 0; index < count; r++, index++) {
          int got = in.readNBytes(record, 0, recordBytes);
          if (got == 0) {
            break;
          }
          if (got < recordBytes) {
            throw new EOFException(
                String.format(
                    "%s file %s ends inside record %s: it changed "
                        + "while being read, or is truncated",
                    variant.displayName, file, r));
          }
          int fine = record[recordBytes - PIXELS - 1] & 0xff;
          if (variant == Variant.CIFAR100) {
            checkLabel(file, r, "coarse label", record[0] & 0xff, 20);
            checkLabel(file, r, "fine label", fine, variant.classes);
          } else {
            checkLabel(file, r, "label", fine, variant.classes);
          }
          labels[index] = (byte) fine;
          System.arraycopy(record, recordBytes - PIXELS, pixels, index * PIXELS, PIXELS);
        }
      } catch (EOFException | RuntimeException e) {
        throw e;
      } catch (IOException e) {
        throw new IOException(
            "cannot read " + variant.displayName + " file " + file + ": " + e.getMessage(), e);
      }
      return index;
    }

    private void checkLabel(Path file, long record, String what, int label, int classes) {
      checkArgument(
          label < classes,
          "%s file %s is corrupt: record %s (from byte %s) has %s %s, expected 0 to %s; download "
              + "and unpack %s again",
          variant.displayName,
          file,
          record,
          record * variant.recordBytes(),
          what,
          label,
          classes - 1,
          variant.tarball);
    }

    /** CIFAR-10's names, or CIFAR-100's from its names file if there, else the indices. */
    private List<String> classNames(Path folder) throws IOException {
      if (variant == Variant.CIFAR10) {
        return CIFAR10_CLASS_NAMES;
      }
      Path file = folder.resolve(CIFAR100_NAMES_FILE);
      if (!Files.isRegularFile(file)) {
        return IntStream.range(0, variant.classes).mapToObj(Integer::toString).toList();
      }
      List<String> names =
          Files.readAllLines(file).stream()
              .map(String::strip)
              .filter(line -> !line.isEmpty())
              .toList();
      checkArgument(
          names.size() == variant.classes,
          "%s names file %s has %s names, expected %s: one fine label name per line, in label "
              + "order (or remove the file to name classes by index)",
          variant.displayName,
          file,
          names.size(),
          variant.classes);
      return names;
    }
  }
}
