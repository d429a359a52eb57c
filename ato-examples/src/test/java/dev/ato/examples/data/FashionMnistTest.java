package dev.ato.examples.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.RandomAccessDataset;
import dev.ato.djl.data.HeldOutSplit;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Fashion-MNIST files of Debian's {@code dataset-fashion-mnist}, read once for the class.
 * The expected numbers were read from the files independently of this code, with python3's gzip
 * module and {@code zcat FILE | od -A d -t u1 -j OFFSET -N 1}:
 *
 * <ul>
 *   <li>headers: images magic 2051, 60000 (train) / 10000 (t10k) images of 28x28; labels magic
 *       2049, the same counts;
 *   <li>first labels: train 9, 0, 0, 3, ...; t10k 9, 2, 1, 1, ... (9 is "Ankle boot"); 6000 (train)
 *       and 1000 (t10k) images per class;
 *   <li>image 0 bytes (file offset 16 + 28 * row + col): train (0,0)=0, (3,16)=73 (offset 116),
 *       (14,14)=217 (offset 422), (14,25)=255 (offset 433), (27,27)=0; t10k (14,14)=110,
 *       (14,25)=169;
 *   <li>all 47,040,000 training pixels / 255: mean 0.28604, population std 0.35302.
 * </ul>
 */
@ExtendWith(ManagerPerTest.class)
class FashionMnistTest {

  private static IdxImageDataset train;
  private static IdxImageDataset test;

  @TempDir Path dir;

  @BeforeAll
  static void readOnce() throws IOException {
    train = FashionMnist.builder(Dataset.Usage.TRAIN).setSampling(128, true).build();
    test = FashionMnist.builder(Dataset.Usage.TEST).setSampling(128, false).build();
  }

  @AfterAll
  static void free() {
    train.close();
    test.close();
  }

  @Test
  void debianFilesHoldSixtyAndTenThousandImagesWithAnkleBootsFirst(NDManager manager)
      throws IOException {
    assertThat(FashionMnist.directory()).isEqualTo(Path.of("/usr/share/datasets/fashion-mnist"));
    assertThat(train.size()).isEqualTo(60_000);
    assertThat(test.size()).isEqualTo(10_000);
    assertThat(label(manager, train, 0)).isEqualTo(9);
    assertThat(label(manager, train, 3)).isEqualTo(3);
    assertThat(label(manager, test, 0)).isEqualTo(9);
    assertThat(label(manager, test, 1)).isEqualTo(2);
    assertThat(FashionMnist.CLASS_NAMES.get(9)).isEqualTo("Ankle boot");
  }

  @Test
  void imageZeroHasTheBytesReadWithOd(NDManager manager) throws IOException {
    NDArray first = train.get(manager, 0).getData().head();
    assertThat(first.getShape()).isEqualTo(new Shape(1, 28, 28));
    assertThat(first.getFloat(0, 0, 0)).isEqualTo(0f);
    assertThat(first.getFloat(0, 3, 16)).isEqualTo(73 / 255f);
    assertThat(first.getFloat(0, 14, 14)).isEqualTo(217 / 255f);
    assertThat(first.getFloat(0, 14, 25)).isEqualTo(1f);
    assertThat(first.getFloat(0, 27, 27)).isEqualTo(0f);

    NDArray firstTest = test.get(manager, 0).getData().head();
    assertThat(firstTest.getFloat(0, 14, 14)).isEqualTo(110 / 255f);
    assertThat(firstTest.getFloat(0, 14, 25)).isEqualTo(169 / 255f);
  }

  @Test
  void pixelsSpanZeroToOneWithTheStatedMeanAndStd(NDManager manager) {
    Batch all = train.getByRange(manager, 0, train.size());
    NDArray images = all.getData().head();
    NDArray labels = all.getLabels().head();
    assertThat(images.getShape()).isEqualTo(new Shape(60_000, 1, 28, 28));
    assertThat(images.min().getFloat()).isEqualTo(0f);
    assertThat(images.max().getFloat()).isEqualTo(1f);
    float mean = images.mean().getFloat();
    float std = images.sub(mean).square().mean().sqrt().getFloat();
    assertThat(mean).isCloseTo(FashionMnist.MEAN, within(1e-4f));
    assertThat(std).isCloseTo(FashionMnist.STD, within(1e-4f));
    for (int k = 0; k < 10; k++) {
      assertThat(labels.eq(k).sum().getLong()).as("class %s", k).isEqualTo(6000);
    }
  }

  @Test
  void normalisedImagesUseMeanAndStd(NDManager manager) throws IOException {
    try (IdxImageDataset some =
        FashionMnist.builder(Dataset.Usage.TRAIN)
            .optLimit(100)
            .optNormalization(FashionMnist.MEAN, FashionMnist.STD)
            .setSampling(10, false)
            .build()) {
      assertThat(some.size()).isEqualTo(100);
      NDArray first = some.get(manager, 0).getData().head();
      assertThat(first.getFloat(0, 14, 14))
          .isCloseTo((217 / 255f - FashionMnist.MEAN) / FashionMnist.STD, within(1e-6f));
      assertThat(first.getFloat(0, 0, 0))
          .isCloseTo(-FashionMnist.MEAN / FashionMnist.STD, within(1e-6f));
    }
  }

  @Test
  void atoHoldsOutThreeThousandTrainingImagesTheSameWayForTheSameSeed(NDManager manager)
      throws IOException {
    HeldOutSplit split = train.split(0.05, 2024);
    assertThat(split.train().size()).isEqualTo(57_000);
    assertThat(split.heldOut().size()).isEqualTo(3_000);
    HeldOutSplit again = train.split(0.05, 2024);
    HeldOutSplit other = train.split(0.05, 2025);
    assertThat(labels(manager, again.heldOut())).isEqualTo(labels(manager, split.heldOut()));
    assertThat(labels(manager, other.heldOut())).isNotEqualTo(labels(manager, split.heldOut()));
  }

  @Test
  void decompressedFilesInThePropertysDirectoryReadAlike(NDManager manager) throws IOException {
    for (String name : new String[] {"t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
      try (InputStream in =
          new GZIPInputStream(
              Files.newInputStream(Path.of(FashionMnist.DEBIAN_DIRECTORY, name + ".gz")))) {
        Files.copy(in, dir.resolve(name));
      }
    }
    String before = System.getProperty(FashionMnist.DIRECTORY_PROPERTY);
    System.setProperty(FashionMnist.DIRECTORY_PROPERTY, dir.toString());
    try (IdxImageDataset plain =
        FashionMnist.builder(Dataset.Usage.TEST).setSampling(128, false).build()) {
      assertThat(plain.size()).isEqualTo(10_000);
      assertThat(plain.get(manager, 0).getData().head().getFloat(0, 14, 25)).isEqualTo(169 / 255f);
      assertThat(label(manager, plain, 1)).isEqualTo(2);
    } finally {
      if (before == null) {
        System.clearProperty(FashionMnist.DIRECTORY_PROPERTY);
      } else {
        System.setProperty(FashionMnist.DIRECTORY_PROPERTY, before);
      }
    }
  }

  @Test
  void aMissingDirectorySaysWhatToInstall() {
    assertThatThrownBy(
            () -> FashionMnist.builder(dir, Dataset.Usage.TRAIN).setSampling(128, true).build())
        .isInstanceOf(FileNotFoundException.class)
        .hasMessage(
            "images file %s does not exist: install Fashion-MNIST with `apt-get "
                + "install dataset-fashion-mnist`, or set -Dato.fashionmnist.dir=DIR to a directory "
                + "that holds its IDX files",
            dir.resolve("train-images-idx3-ubyte.gz"));
  }

  @Test
  void validationIsNotAFashionMnistFile() {
    assertThatThrownBy(() -> FashionMnist.builder(Dataset.Usage.VALIDATION))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Fashion-MNIST has TRAIN and TEST files, not VALIDATION: hold out part of "
                + "TRAIN with IdxImageDataset.split");
  }

  private static int label(NDManager manager, RandomAccessDataset dataset, long index)
      throws IOException {
    return (int) dataset.get(manager, index).getLabels().head().getFloat();
  }

  private static float[] labels(NDManager manager, RandomAccessDataset dataset) throws IOException {
    float[] labels = new float[Math.toIntExact(dataset.size())];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = dataset.get(manager, i).getLabels().head().getFloat();
    }
    return labels;
  }
}
