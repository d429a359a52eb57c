package dev.ato.examples.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.translate.TranslateException;
import java.awt.image.BufferedImage;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one entry point over every format: Debian's Fashion-MNIST (see {@link FashionMnistTest} for
 * the numbers read from its files independently), and CIFAR files and image folders written here.
 */
@ExtendWith(ManagerPerTest.class)
class ImageDataTest {

  private static final Path FASHION = Path.of(FashionMnist.DEBIAN_DIRECTORY);

  @TempDir Path dir;

  @Test
  void fashionMnistReadsTheLimitsWithItsShapeAndClassNames() throws IOException {
    try (ImageData data = fashion().build()) {
      assertThat(data.format()).isEqualTo(DataFormat.IDX);
      assertThat(data.train().size()).isEqualTo(600);
      assertThat(data.test().size()).isEqualTo(200);
      assertThat(data.imageShape()).isEqualTo(new Shape(1, 28, 28));
      assertThat(data.classes()).isEqualTo(10);
      assertThat(data.classNames()).isEqualTo(FashionMnist.CLASS_NAMES);
      assertThat(data.description())
          .isEqualTo(
              "IDX in /usr/share/datasets/fashion-mnist: 600 "
                  + "training / 200 test images of 1x28x28, 10 classes, training augmentation NONE");
    }
  }

  @Test
  void bothPartsAreNormalisedByTheTrainingImagesStatistics(NDManager manager) throws IOException {
    try (ImageData data = fashion().build()) {
      NDArray train =
          ((InMemoryImageDataset) data.train()).getByRange(manager, 0, 600).getData().head();
      assertThat(train.mean().getFloat()).isCloseTo(0f, within(1e-5f));
      assertThat(train.sub(train.mean()).square().mean().sqrt().getFloat())
          .isCloseTo(1f, within(1e-5f));
      // Test image 0 has byte 110 at (14, 14) (FashionMnistTest).
      float mean = data.normalization().mean()[0];
      float std = data.normalization().std()[0];
      assertThat(data.test().get(manager, 0).getData().head().getFloat(0, 14, 14))
          .isCloseTo((110 / 255f - mean) / std, within(1e-6f));
    }
  }

  @Test
  void augmentationChangesTrainingBatchesOnly(NDManager manager)
      throws IOException, TranslateException {
    try (ImageData data =
        ImageData.builder()
            .setFormat(DataFormat.IDX)
            .setDirectory(FASHION)
            .setBatchSize(64)
            .optTrainLimit(256)
            .optTestLimit(128)
            .optAugmentation(Augmentation.CROP_FLIP)
            .optSeed(3)
            .build()) {
      // IDX images shift by at most 2 pixels by default.
      assertThat(changedCrops(manager, data, 2)).isGreaterThan(200);

      for (Batch batch : data.test().getData(manager)) {
        NDArray images = batch.getData().head();
        List<?> indices = batch.getIndices();
        for (int i = 0; i < indices.size(); i++) {
          assertThat(images.get(i).toFloatArray())
              .containsExactly(record(manager, data.test(), (Long) indices.get(i)));
        }
        batch.close();
      }
    }
  }

  @Test
  void aCropPaddingBoundsTheShift(NDManager manager) throws IOException, TranslateException {
    try (ImageData data =
        ImageData.builder()
            .setFormat(DataFormat.IDX)
            .setDirectory(FASHION)
            .setBatchSize(64)
            .optTrainLimit(256)
            .optTestLimit(128)
            .optAugmentation(Augmentation.CROP)
            .optCropPadding(1)
            .optSeed(3)
            .build()) {
      // Of the 9 shifts of at most one pixel, 8 move the image.
      assertThat(changedCrops(manager, data, 1)).isGreaterThan(180);
    }
  }

  @Test
  void aCropPaddingForFoldersIsRejected() {
    assertThatThrownBy(
            () ->
                ImageData.builder()
                    .setFormat(DataFormat.FOLDER)
                    .setDirectory(dir)
                    .setBatchSize(4)
                    .optCropPadding(2)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "a crop padding (2) applies to IDX and CIFAR data only: folder images get "
                + "a random resized crop, leave it out");
  }

  /**
   * Checks that every training image of one epoch is its record shifted by at most {@code padding}
   * pixels (maybe mirrored), and counts those that changed.
   */
  private static int changedCrops(NDManager manager, ImageData data, int padding)
      throws IOException, TranslateException {
    float black = data.normalization().black()[0];
    int changed = 0;
    for (Batch batch : data.train().getData(manager)) {
      NDArray images = batch.getData().head();
      List<?> indices = batch.getIndices();
      for (int i = 0; i < indices.size(); i++) {
        float[] raw = record(manager, data.train(), (Long) indices.get(i));
        float[] augmented = images.get(i).toFloatArray();
        assertThat(isCropOrFlipOf(augmented, raw, 28, padding, black))
            .as("train image %s is a crop of its record", indices.get(i))
            .isTrue();
        changed += Arrays.equals(augmented, raw) ? 0 : 1;
      }
      batch.close();
    }
    return changed;
  }

  @Test
  void otherIdxDirectoriesNameClassesByIndex() throws IOException {
    Path digits = dir.resolve("digits");
    Files.createDirectories(digits);
    for (String name :
        List.of(
            "train-images-idx3-ubyte.gz",
            "train-labels-idx1-ubyte.gz",
            "t10k-images-idx3-ubyte.gz",
            "t10k-labels-idx1-ubyte.gz")) {
      Files.createSymbolicLink(digits.resolve(name), FASHION.resolve(name));
    }
    try (ImageData data =
        ImageData.builder()
            .setFormat(DataFormat.IDX)
            .setDirectory(digits)
            .setBatchSize(100)
            .optTrainLimit(600)
            .optTestLimit(200)
            .build()) {
      assertThat(data.classNames())
          .containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    }
  }

  @Test
  void cifarIsFoundInItsTarballsFolderAndAugmentedWhenAsked() throws IOException {
    CifarFiles.cifar10Set(dir.resolve("cifar-10-batches-bin"));
    try (ImageData data =
        ImageData.builder()
            .setFormat(DataFormat.CIFAR10)
            .setDirectory(dir)
            .setBatchSize(4)
            .optAugmentation(Augmentation.CROP)
            .build()) {
      assertThat(data.imageShape()).isEqualTo(new Shape(3, 32, 32));
      assertThat(data.classNames()).isEqualTo(CifarBinary.CIFAR10_CLASS_NAMES);
      assertThat(data.normalization().channels()).isEqualTo(3);
      assertThat(data.description())
          .isEqualTo(
              "CIFAR-10 in %s (cifar-10-batches-bin): 10 training / "
                  + "3 test images of 3x32x32, 10 classes, training augmentation CROP (crop padding 4)",
              dir);
    }
  }

  @Test
  void cifar100NamesClassesByItsNamesFile() throws IOException {
    CifarFiles.cifar100(dir.resolve("train.bin"), 0, new int[] {1, 2}, new int[] {5, 6});
    CifarFiles.cifar100(dir.resolve("test.bin"), 2, new int[] {1}, new int[] {7});
    StringBuilder names = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      names.append("fine").append(i).append('\n');
    }
    Files.writeString(dir.resolve("fine_label_names.txt"), names);
    try (ImageData data =
        ImageData.builder()
            .setFormat(DataFormat.CIFAR100)
            .setDirectory(dir)
            .setBatchSize(2)
            .build()) {
      assertThat(data.classes()).isEqualTo(100);
      assertThat(data.classNames().get(7)).isEqualTo("fine7");
      assertThat(data.train().size()).isEqualTo(2);
    }
  }

  @Test
  void foldersAreResizedAndNormalisedWithImageNetsStatistics() throws IOException {
    for (String name : List.of("ants", "bees")) {
      Files.createDirectories(dir.resolve(name));
      for (int i = 0; i < 5; i++) {
        BufferedImage image = new BufferedImage(7, 5, BufferedImage.TYPE_INT_RGB);
        ImageIO.write(image, "png", dir.resolve(name + "/" + i + ".png").toFile());
      }
    }
    try (ImageData data =
        ImageData.builder()
            .setFormat(DataFormat.FOLDER)
            .setDirectory(dir)
            .setBatchSize(4)
            .optImageSize(12)
            .build()) {
      assertThat(data.imageShape()).isEqualTo(new Shape(3, 12, 12));
      assertThat(data.classNames()).containsExactly("ants", "bees");
      assertThat(data.normalization()).isEqualTo(ChannelNormalization.IMAGENET);
      assertThat(data.description())
          .isEqualTo(
              "image folder in %s (10%% held out): 9 training / 1 test "
                  + "images of 3x12x12, 2 classes, training augmentation NONE",
              dir);
    }
  }

  @Test
  void anImageSizeForInMemoryDataIsRejected() {
    assertThatThrownBy(() -> fashion().optImageSize(32).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "an image size (32) applies to FOLDER data only: IDX images keep their own "
                + "size, leave it out");
  }

  @Test
  void aMissingIdxDirectorySaysWhatItMustHold() {
    Path missing = dir.resolve("nowhere");
    assertThatThrownBy(
            () ->
                ImageData.builder()
                    .setFormat(DataFormat.IDX)
                    .setDirectory(missing)
                    .setBatchSize(2)
                    .build())
        .isInstanceOf(FileNotFoundException.class)
        .hasMessage(
            "IDX directory %s does not exist: an IDX directory holds "
                + "train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and "
                + "t10k-labels-idx1-ubyte, each plain or .gz (for Fashion-MNIST: apt-get install "
                + "dataset-fashion-mnist, then /usr/share/datasets/fashion-mnist)",
            missing);
  }

  @Test
  void requiredOptionsAreNamed() {
    assertThatThrownBy(() -> ImageData.builder().setDirectory(dir).setBatchSize(2).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no format: call setFormat([IDX, CIFAR10, CIFAR100, FOLDER])");
    assertThatThrownBy(
            () -> ImageData.builder().setFormat(DataFormat.IDX).setDirectory(dir).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no batch size: call setBatchSize(size)");
  }

  @Test
  void closeFreesTheImages(NDManager manager) throws IOException {
    ImageData data = fashion().build();
    assertThat(data.train().get(manager, 0).getData().head().getShape())
        .isEqualTo(new Shape(1, 28, 28));
    data.close();
    assertThatThrownBy(() -> data.train().get(manager, 0))
        .isInstanceOf(IllegalStateException.class);
  }

  /** Fashion-MNIST, 600 training and 200 test images in batches of 100. */
  private static ImageData.Builder fashion() {
    return ImageData.builder()
        .setFormat(DataFormat.IDX)
        .setDirectory(FASHION)
        .setBatchSize(100)
        .optTrainLimit(600)
        .optTestLimit(200);
  }

  /** A record as stored: {@code get} does not go through the pipeline. */
  private static float[] record(NDManager manager, RandomAccessDataset data, long index)
      throws IOException {
    return data.get(manager, index).getData().head().toFloatArray();
  }

  /**
   * Whether {@code augmented} is {@code raw} (one channel of {@code side x side}) shifted by up to
   * {@code padding} pixels each way, filled with {@code fill}, and maybe mirrored.
   */
  private static boolean isCropOrFlipOf(
      float[] augmented, float[] raw, int side, int padding, float fill) {
    for (int dy = -padding; dy <= padding; dy++) {
      for (int dx = -padding; dx <= padding; dx++) {
        for (boolean flip : new boolean[] {false, true}) {
          boolean same = true;
          for (int y = 0; y < side && same; y++) {
            for (int x = 0; x < side && same; x++) {
              int sy = y + dy;
              int sx = (flip ? side - 1 - x : x) + dx;
              float expected =
                  sy >= 0 && sy < side && sx >= 0 && sx < side ? raw[sy * side + sx] : fill;
              same = augmented[y * side + x] == expected;
            }
          }
          if (same) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
