package dev.ato.examples.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading CIFAR-10 and CIFAR-100 binary files written here ({@link CifarFiles}: every pixel's byte
 * follows from its image's index), and every error a user can cause, with its message.
 */
@ExtendWith(ManagerPerTest.class)
class CifarBinaryTest {

  private static final String CIFAR10_FILES =
      "data_batch_1.bin, data_batch_2.bin, "
          + "data_batch_3.bin, data_batch_4.bin, data_batch_5.bin, test_batch.bin";

  @TempDir Path dir;

  @Test
  void cifar10TrainingFilesReadInOrderWithTheirPixelsAndLabels(NDManager manager)
      throws IOException {
    CifarFiles.cifar10Set(dir);
    try (CifarBinary train = builder(CifarBinary.Variant.CIFAR10, Dataset.Usage.TRAIN).build()) {
      assertThat(train.size()).isEqualTo(10);
      assertThat(train.imageShape()).isEqualTo(new Shape(3, 32, 32));
      assertThat(train.classes()).isEqualTo(10);
      NDList all = all(manager, train);
      assertThat(all.get(0).getShape()).isEqualTo(new Shape(10, 3, 32, 32));
      assertThat(all.get(0).toFloatArray())
          .containsExactly(CifarFiles.scaledImages(0, 10), within(0f));
      assertThat(all.get(1).toFloatArray()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    }
  }

  @Test
  void channelsAreRedGreenBluePlanesOfRows(NDManager manager) throws IOException {
    CifarFiles.cifar10Set(dir);
    try (CifarBinary test = builder(CifarBinary.Variant.CIFAR10, Dataset.Usage.TEST).build()) {
      assertThat(test.size()).isEqualTo(3);
      // Image 2 of the test file: pixel i is (2 * 37 + 5 * i) % 256, i = 1024 c + 32 y + x.
      var image = test.get(manager, 2).getData().head();
      assertThat(image.getFloat(0, 0, 0)).isEqualTo(74 / 255f);
      assertThat(image.getFloat(0, 0, 1)).isEqualTo(79 / 255f);
      assertThat(image.getFloat(0, 1, 0)).isEqualTo((74 + 5 * 32) / 255f);
      assertThat(image.getFloat(1, 0, 0)).isEqualTo((74 + 5 * 1024) % 256 / 255f);
      assertThat(image.getFloat(2, 31, 31)).isEqualTo((74 + 5 * 3071) % 256 / 255f);
      assertThat(test.get(manager, 2).getLabels().head().getFloat()).isEqualTo(9f);
    }
  }

  @Test
  void cifar100UsesTheFineLabel(NDManager manager) throws IOException {
    CifarFiles.cifar100(dir.resolve("train.bin"), 0, new int[] {3, 19, 0}, new int[] {42, 99, 0});
    try (CifarBinary train = builder(CifarBinary.Variant.CIFAR100, Dataset.Usage.TRAIN).build()) {
      assertThat(train.classes()).isEqualTo(100);
      NDList all = all(manager, train);
      assertThat(all.get(1).toFloatArray()).containsExactly(42, 99, 0);
      assertThat(all.get(0).toFloatArray())
          .containsExactly(CifarFiles.scaledImages(0, 3), within(0f));
    }
  }

  @Test
  void optLimitReadsTheFirstImagesAcrossFiles(NDManager manager) throws IOException {
    CifarFiles.cifar10Set(dir);
    try (CifarBinary train =
        builder(CifarBinary.Variant.CIFAR10, Dataset.Usage.TRAIN).optLimit(3).build()) {
      assertThat(train.size()).isEqualTo(3);
      NDList all = all(manager, train);
      assertThat(all.get(0).getShape()).isEqualTo(new Shape(3, 3, 32, 32));
      assertThat(all.get(1).toFloatArray()).containsExactly(0, 1, 2);
      assertThat(all.get(0).toFloatArray())
          .containsExactly(CifarFiles.scaledImages(0, 3), within(0f));
    }
  }

  @Test
  void normalisationFromImagesUsesEachChannelsMeanAndStd(NDManager manager) throws IOException {
    // Red 0 and 255: mean 0.5, std 0.5. Green 0 and 102 (0.4): mean 0.2, std 0.2. Blue 255 and
    // 51 (0.2): mean 0.6, std 0.4. So every pixel normalises to -1 or +1 (up to the rounding
    // of the statistics to float).
    CifarFiles.solidCifar10(
        dir.resolve("test_batch.bin"), new int[] {0, 0, 255}, new int[] {255, 102, 51});
    try (CifarBinary test =
        builder(CifarBinary.Variant.CIFAR10, Dataset.Usage.TEST)
            .optNormalizationFromImages()
            .build()) {
      assertThat(test.normalization().mean())
          .containsExactly(new float[] {0.5f, 0.2f, 0.6f}, within(1e-7f));
      assertThat(test.normalization().std())
          .containsExactly(new float[] {0.5f, 0.2f, 0.4f}, within(1e-7f));
      var first = test.get(manager, 0).getData().head();
      var second = test.get(manager, 1).getData().head();
      assertThat(first.get(0).toFloatArray()).usingComparatorWithPrecision(1e-6f).containsOnly(-1f);
      assertThat(first.get(1).toFloatArray()).usingComparatorWithPrecision(1e-6f).containsOnly(-1f);
      assertThat(first.get(2).toFloatArray()).usingComparatorWithPrecision(1e-6f).containsOnly(1f);
      assertThat(second.get(0).toFloatArray()).usingComparatorWithPrecision(1e-6f).containsOnly(1f);
      assertThat(second.get(1).toFloatArray()).usingComparatorWithPrecision(1e-6f).containsOnly(1f);
      assertThat(second.get(2).toFloatArray())
          .usingComparatorWithPrecision(1e-6f)
          .containsOnly(-1f);
    }
  }

  @Test
  void givenNormalisationAppliesPerChannel(NDManager manager) throws IOException {
    CifarFiles.solidCifar10(dir.resolve("test_batch.bin"), new int[] {51, 102, 255});
    try (CifarBinary test =
        builder(CifarBinary.Variant.CIFAR10, Dataset.Usage.TEST)
            .optNormalization(new float[] {0.1f, 0.2f, 0.5f}, new float[] {0.5f, 0.25f, 2f})
            .build()) {
      var image = test.get(manager, 0).getData().head();
      assertThat(image.getFloat(0, 5, 5)).isCloseTo((0.2f - 0.1f) / 0.5f, within(1e-6f));
      assertThat(image.getFloat(1, 5, 5)).isCloseTo((0.4f - 0.2f) / 0.25f, within(1e-6f));
      assertThat(image.getFloat(2, 5, 5)).isCloseTo((1f - 0.5f) / 2f, within(1e-6f));
    }
  }

  @Test
  void theTarballsFolderIsFoundFromItsParent() throws IOException {
    Path folder = dir.resolve("cifar-10-batches-bin");
    CifarFiles.cifar10Set(folder);
    try (CifarBinary test = builder(CifarBinary.Variant.CIFAR10, Dataset.Usage.TEST).build()) {
      assertThat(test.directory()).isEqualTo(folder);
      assertThat(test.size()).isEqualTo(3);
    }
  }

  @Test
  void classNamesAreCifar10sOrCifar100sFileOrIndices() throws IOException {
    CifarFiles.cifar10Set(dir.resolve("ten"));
    try (CifarBinary ten =
        CifarBinary.builder()
            .setVariant(CifarBinary.Variant.CIFAR10)
            .setDirectory(dir.resolve("ten"))
            .setUsage(Dataset.Usage.TEST)
            .setSampling(2, false)
            .build()) {
      assertThat(ten.classNames())
          .containsExactly(
              "airplane",
              "automobile",
              "bird",
              "cat",
              "deer",
              "dog",
              "frog",
              "horse",
              "ship",
              "truck");
    }

    Path hundred = dir.resolve("cifar-100-binary");
    CifarFiles.cifar100(hundred.resolve("test.bin"), 0, new int[] {0}, new int[] {1});
    try (CifarBinary unnamed = builder(CifarBinary.Variant.CIFAR100, Dataset.Usage.TEST).build()) {
      assertThat(unnamed.classNames()).hasSize(100).startsWith("0", "1").endsWith("99");
    }
    List<String> names = IntStream.range(0, 100).mapToObj(i -> "class" + i).toList();
    Files.write(hundred.resolve("fine_label_names.txt"), lines(names));
    try (CifarBinary named = builder(CifarBinary.Variant.CIFAR100, Dataset.Usage.TEST).build()) {
      assertThat(named.classNames()).isEqualTo(names);
    }
  }

  @Test
  void aFileThatIsNotWholeRecordsIsTruncatedBySoManyBytes() throws IOException {
    CifarFiles.cifar10Set(dir);
    Path file = dir.resolve("data_batch_4.bin");
    Files.write(file, new byte[5], java.nio.file.StandardOpenOption.APPEND);
    assertThatThrownBy(() -> builder(CifarBinary.Variant.CIFAR10, Dataset.Usage.TRAIN).build())
        .isInstanceOf(EOFException.class)
        .hasMessage(
            "CIFAR-10 file %s is truncated: its 6151 bytes are 2 records of 3073 bytes "
                + "and 5 bytes left over; download and unpack cifar-10-binary.tar.gz again",
            file);
  }

  @Test
  void cifar10FilesReadAsCifar100AreNamed() throws IOException {
    Path file = dir.resolve("test.bin");
    CifarFiles.cifar10(file, 0, 1, 2, 3);
    assertThatThrownBy(() -> builder(CifarBinary.Variant.CIFAR100, Dataset.Usage.TEST).build())
        .isInstanceOf(EOFException.class)
        .hasMessage(
            "CIFAR-100 file %s is truncated: its 9219 bytes are 2 records of 3074 bytes "
                + "and 3071 bytes left over (they are whole CIFAR-10 records: is this CIFAR-10?); "
                + "download and unpack cifar-100-binary.tar.gz again",
            file);
  }

  @Test
  void aLabelOutOfRangeMeansACorruptFile() throws IOException {
    CifarFiles.cifar10Set(dir);
    Path file = dir.resolve("test_batch.bin");
    CifarFiles.cifar10(file, 0, 3, 10);
    assertThatThrownBy(() -> builder(CifarBinary.Variant.CIFAR10, Dataset.Usage.TEST).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "CIFAR-10 file %s is corrupt: record 1 (from byte 3073) has label 10, "
                + "expected 0 to 9; download and unpack cifar-10-binary.tar.gz again",
            file);
  }

  @Test
  void aFineLabelOutOfRangeMeansACorruptFile() throws IOException {
    Path file = dir.resolve("train.bin");
    CifarFiles.cifar100(file, 0, new int[] {2}, new int[] {100});
    assertThatThrownBy(() -> builder(CifarBinary.Variant.CIFAR100, Dataset.Usage.TRAIN).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "CIFAR-100 file %s is corrupt: record 0 (from byte 0) has fine label 100, "
                + "expected 0 to 99; download and unpack cifar-100-binary.tar.gz again",
            file);
  }

  @Test
  void aMissingFileIsNamedWithTheFilesExpected() throws IOException {
    CifarFiles.cifar10Set(dir);
    Files.delete(dir.resolve("data_batch_3.bin"));
    assertThatThrownBy(() -> builder(CifarBinary.Variant.CIFAR10, Dataset.Usage.TRAIN).build())
        .isInstanceOf(FileNotFoundException.class)
        .hasMessage(
            "CIFAR-10 training file %s does not exist: %s must hold %s, as "
                + "cifar-10-binary.tar.gz unpacks them",
            dir.resolve("data_batch_3.bin"), dir, CIFAR10_FILES);
  }

  @Test
  void anEmptyDirectorySaysWhatToUnpack() {
    assertThatThrownBy(() -> builder(CifarBinary.Variant.CIFAR10, Dataset.Usage.TRAIN).build())
        .isInstanceOf(FileNotFoundException.class)
        .hasMessage(
            "CIFAR-10 directory %s holds neither its files (%s) nor a "
                + "cifar-10-batches-bin folder: download the binary version (cifar-10-binary.tar.gz)"
                + " and unpack it there",
            dir, CIFAR10_FILES);
  }

  @Test
  void aMissingDirectoryIsNamed() {
    Path missing = dir.resolve("nowhere");
    assertThatThrownBy(
            () ->
                CifarBinary.builder()
                    .setVariant(CifarBinary.Variant.CIFAR100)
                    .setDirectory(missing)
                    .setUsage(Dataset.Usage.TEST)
                    .setSampling(2, false)
                    .build())
        .isInstanceOf(FileNotFoundException.class)
        .hasMessage(
            "CIFAR-100 directory %s does not exist: download the binary version "
                + "(cifar-100-binary.tar.gz) and unpack it there",
            missing);
  }

  @Test
  void optionsAreCheckedBeforeAnyFileIsRead() {
    Path missing = dir.resolve("nowhere");
    assertThatThrownBy(
            () ->
                CifarBinary.builder()
                    .setVariant(CifarBinary.Variant.CIFAR10)
                    .setDirectory(missing)
                    .setUsage(Dataset.Usage.VALIDATION)
                    .setSampling(2, false)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "CIFAR-10 has TRAIN and TEST files, not VALIDATION: hold out part of TRAIN "
                + "with CifarBinary.split");
    assertThatThrownBy(
            () ->
                CifarBinary.builder()
                    .setVariant(CifarBinary.Variant.CIFAR10)
                    .setDirectory(missing)
                    .setUsage(Dataset.Usage.TEST)
                    .setSampling(2, false)
                    .optNormalization(new float[] {0.5f}, new float[] {0.5f})
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "optNormalization gives 1 values, the images have 3 channels (red, green, "
                + "blue): pass one mean and one std per channel");
    assertThatThrownBy(
            () ->
                CifarBinary.builder()
                    .setVariant(CifarBinary.Variant.CIFAR10)
                    .setDirectory(missing)
                    .setUsage(Dataset.Usage.TEST)
                    .setSampling(2, false)
                    .optNormalization(new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0f, 0.5f})
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "optNormalization needs a finite mean and a positive finite std for each "
                + "channel, got mean [0.5, 0.5, 0.5] and std [0.5, 0.0, 0.5]");
    assertThatThrownBy(
            () ->
                CifarBinary.builder()
                    .setVariant(CifarBinary.Variant.CIFAR10)
                    .setDirectory(missing)
                    .setSampling(2, false)
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no usage: call setUsage(TRAIN or TEST)");
  }

  @Test
  void closeFreesTheArraysOfTheSetAndItsParts() throws IOException {
    CifarFiles.cifar10Set(dir);
    CifarBinary train = builder(CifarBinary.Variant.CIFAR10, Dataset.Usage.TRAIN).build();
    var split = train.split(0.2, 3);
    assertThat(split.heldOut().size()).isEqualTo(2);
    try (NDManager manager = NDManager.newBaseManager()) {
      assertThat(split.heldOut().get(manager, 0).getLabels().head().getFloat()).isBetween(0f, 9f);
      train.close();
      assertThatThrownBy(() -> split.heldOut().get(manager, 0))
          .isInstanceOf(IllegalStateException.class);
    }
  }

  /** A builder for {@code dir}, batches of 2 in file order. */
  private CifarBinary.Builder builder(CifarBinary.Variant variant, Dataset.Usage usage) {
    return CifarBinary.builder()
        .setVariant(variant)
        .setDirectory(dir)
        .setUsage(usage)
        .setSampling(2, false);
  }

  private static NDList all(NDManager manager, ArrayDataset dataset) {
    Batch batch = dataset.getByRange(manager, 0, dataset.size());
    return new NDList(batch.getData().head(), batch.getLabels().head());
  }

  private static byte[] lines(List<String> names) {
    List<String> lines = new ArrayList<>(names);
    lines.add("");
    return String.join("\n", lines).getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
