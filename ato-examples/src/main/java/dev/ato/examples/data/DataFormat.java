package dev.ato.examples.data;

/** The kinds of image data {@link ImageData} reads, each from one directory. */
public enum DataFormat {
  /**
   * IDX files of grey images and labels, under the names MNIST and Fashion-MNIST use ({@code
   * train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte}, {@code t10k-...}), plain or gzipped.
   */
  IDX("IDX"),
  /** CIFAR-10's binary version ({@code data_batch_1.bin} ... {@code test_batch.bin}). */
  CIFAR10("CIFAR-10"),
  /** CIFAR-100's binary version ({@code train.bin}, {@code test.bin}). */
  CIFAR100("CIFAR-100"),
  /** A folder of images with one sub-folder per class (see {@link ImageFolders}). */
  FOLDER("image folder");

  private final String displayName;

  DataFormat(String displayName) {
    this.displayName = displayName;
  }

  /** The format's usual name, e.g. "CIFAR-10". */
  public String displayName() {
    return displayName;
  }
}
