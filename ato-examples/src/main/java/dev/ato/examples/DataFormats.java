package dev.ato.examples;

import dev.ato.examples.data.DataFormat;
import dev.ato.examples.data.FashionMnist;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Tells a data directory's format from the files in it, for {@code --format auto}. */
final class DataFormats {

  private DataFormats() {}

  /**
   * The format of {@code directory}: IDX when it holds {@code train-images-idx3-ubyte[.gz]},
   * CIFAR-10 when {@code data_batch_1.bin} (or {@code cifar-10-batches-bin/}), CIFAR-100 when
   * {@code train.bin} (or {@code cifar-100-binary/}), an image folder when it has sub-directories.
   *
   * @throws FileNotFoundException if the directory does not exist
   * @throws IOException if nothing in it is recognised
   */
  static DataFormat recognise(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      throw new FileNotFoundException(
          "data directory "
              + directory
              + " does not exist"
              + (directory.equals(Path.of(FashionMnist.DEBIAN_DIRECTORY))
                  ? ": install Fashion-MNIST with `apt-get install dataset-fashion-mnist`, or pass "
                      + "--data DIR"
                  : ": pass --data with a directory of IDX, CIFAR or image files"));
    }
    if (hasAny(directory, "train-images-idx3-ubyte", "train-images-idx3-ubyte.gz")) {
      return DataFormat.IDX;
    }
    if (hasAny(directory, "data_batch_1.bin", "cifar-10-batches-bin")) {
      return DataFormat.CIFAR10;
    }
    if (hasAny(directory, "train.bin", "cifar-100-binary")) {
      return DataFormat.CIFAR100;
    }
    try (Stream<Path> entries = Files.list(directory)) {
      if (entries.anyMatch(Files::isDirectory)) {
        return DataFormat.FOLDER;
      }
    }
    throw new IOException(
        "cannot tell the format of data directory "
            + directory
            + ": it holds"
            + " no train-images-idx3-ubyte[.gz] (IDX), data_batch_1.bin (CIFAR-10), train.bin "
            + "(CIFAR-100) nor class sub-folders (image folder); pass --format or another --data");
  }

  private static boolean hasAny(Path directory, String... names) {
    for (String name : names) {
      if (Files.exists(directory.resolve(name))) {
        return true;
      }
    }
    return false;
  }
}
