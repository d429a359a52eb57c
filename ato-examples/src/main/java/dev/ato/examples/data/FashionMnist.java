package dev.ato.examples.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import ai.djl.training.dataset.Dataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017: 60,000 training and 10,000 test images of 28x28
 * grey clothing items in 10 classes) from the IDX files that Debian's {@code dataset-fashion-mnist}
 * package installs in {@value #DEBIAN_DIRECTORY}.
 *
 * <pre>{@code
 * try (IdxImageDataset test = FashionMnist.builder(Dataset.Usage.TEST)
 *     .optNormalization(FashionMnist.MEAN, FashionMnist.STD)
 *     .setSampling(256, false)
 *     .build()) { ... }
 * }</pre>
 *
 * <p>Another directory is chosen with the system property {@value #DIRECTORY_PROPERTY} or by {@link
 * #builder(Path, Dataset.Usage)}; it may hold the files gzipped (Debian's and the original site's
 * names, {@code train-images-idx3-ubyte.gz}) or decompressed (the same names without {@code .gz}).
 */
public final class FashionMnist {

  /** Where Debian's {@code dataset-fashion-mnist} installs the files. */
  public static final String DEBIAN_DIRECTORY = "/usr/share/datasets/fashion-mnist";

  /** The system property naming another directory. */
  public static final String DIRECTORY_PROPERTY = "ato.fashionmnist.dir";

  /** The class names; a label is an index into this list (label 9 is "Ankle boot"). */
  public static final List<String> CLASS_NAMES =
      List.of(
          "T-shirt/top",
          "Trouser",
          "Pullover",
          "Dress",
          "Coat",
          "Sandal",
          "Shirt",
          "Sneaker",
          "Bag",
          "Ankle boot");

  /**
   * Mean pixel of the 60,000 training images, in [0, 1] (0.28604 to five places): pass it with
   * {@link #STD} to {@link IdxImageDataset.Builder#optNormalization}.
   */
  public static final float MEAN = 0.2860f;

  /** Standard deviation of the training pixels, in [0, 1] (0.35302 to five places). */
  public static final float STD = 0.3530f;

  private static final String MISSING_HINT =
      "install Fashion-MNIST with `apt-get install "
          + "dataset-fashion-mnist`, or set -D"
          + DIRECTORY_PROPERTY
          + "=DIR to a directory that holds its IDX files";

  private FashionMnist() {}

  /** The directory read by {@link #builder(Dataset.Usage)}: the property's, else Debian's. */
  public static Path directory() {
    return Path.of(System.getProperty(DIRECTORY_PROPERTY, DEBIAN_DIRECTORY));
  }

  /** A builder with the images and labels of {@code usage} in {@link #directory()} set. */
  public static IdxImageDataset.Builder builder(Dataset.Usage usage) {
    return builder(directory(), usage);
  }

  /**
   * A builder with the images and labels of {@code usage} in {@code directory} set; sampling and
   * the options are still to be given. A missing file is reported by {@code build()}.
   *
   * @param usage {@code TRAIN} or {@code TEST}; Fashion-MNIST has no validation files
   */
  public static IdxImageDataset.Builder builder(Path directory, Dataset.Usage usage) {
    checkNotNull(directory, "directory must not be null");
    checkArgument(
        usage == Dataset.Usage.TRAIN || usage == Dataset.Usage.TEST,
        "Fashion-MNIST has TRAIN and TEST files, not %s: hold out part of TRAIN with "
            + "IdxImageDataset.split",
        usage);
    String prefix = usage == Dataset.Usage.TRAIN ? "train" : "t10k";
    return IdxImageDataset.builder()
        .setImages(file(directory, prefix + "-images-idx3-ubyte"))
        .setLabels(file(directory, prefix + "-labels-idx1-ubyte"))
        .missingFileHint(MISSING_HINT);
  }

  /**
   * Whether {@code directory} holds Fashion-MNIST rather than another IDX data set (MNIST, say): it
   * is {@link #directory()} or Debian's, or its name says "fashion". IDX files do not name their
   * data set, so this is the best a reader can tell.
   */
  static boolean isFashionMnistDirectory(Path directory) {
    Path normal = directory.toAbsolutePath().normalize();
    Path name = normal.getFileName();
    return normal.equals(directory().toAbsolutePath().normalize())
        || normal.equals(Path.of(DEBIAN_DIRECTORY))
        || (name != null && name.toString().toLowerCase(Locale.ROOT).contains("fashion"));
  }

  /** The decompressed file if it is there, else the gzipped one (whether it exists or not). */
  static Path file(Path directory, String name) {
    Path plain = directory.resolve(name);
    return Files.exists(plain) ? plain : directory.resolve(name + ".gz");
  }
}
