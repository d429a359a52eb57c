package dev.ato.examples.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.modality.cv.transform.RandomFlipLeftRight;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.translate.TranslateException;
import java.awt.image.BufferedImage;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntBinaryOperator;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image folders of small PNG files written here: solid colours whose red value names the image
 * ({@code 10 * index}) and whose green and blue name the class, so that a normalised pixel tells
 * which file a batch row came from.
 */
@ExtendWith(ManagerPerTest.class)
class ImageFoldersTest {

  private static final String LAYOUT =
      "one sub-folder of images per class (DIR/cat/1.png, "
          + "DIR/dog/2.jpg, ...), or train/ and val/ (or test/) folders that each hold such class "
          + "folders";

  @TempDir Path dir;

  @Test
  void trainAndValFoldersGiveSortedClassesAndTheirImages(NDManager manager)
      throws IOException, TranslateException {
    writeClasses(dir.resolve("train"), 4, "red", "blue", "green");
    writeClasses(dir.resolve("val"), 2, "red", "blue", "green");
    ImageFolders folders = builder().build();
    assertThat(folders.layout()).isEqualTo(ImageFolders.Layout.TRAIN_TEST_FOLDERS);
    assertThat(folders.classNames()).containsExactly("blue", "green", "red");
    assertThat(folders.trainDirectory()).isEqualTo(dir.resolve("train"));
    assertThat(folders.testDirectory()).isEqualTo(dir.resolve("val"));
    assertThat(folders.train().size()).isEqualTo(12);
    assertThat(folders.test().size()).isEqualTo(6);

    List<Float> labels = new ArrayList<>();
    for (Batch batch : folders.test().getData(manager)) {
      NDArray classes = batch.getLabels().head();
      assertThat(classes.getDataType()).isEqualTo(DataType.FLOAT32);
      for (float label : classes.toFloatArray()) {
        labels.add(label);
      }
      batch.close();
    }
    assertThat(labels).containsExactly(0f, 0f, 1f, 1f, 2f, 2f);
  }

  @Test
  void imagesAreResizedToTheSquareAndNormalisedWithImageNetsStatistics(NDManager manager)
      throws IOException, TranslateException {
    Files.createDirectories(dir.resolve("only"));
    png(dir.resolve("only/a.png"), 6, 4, (x, y) -> rgb(255, 128, 0));
    png(dir.resolve("only/b.png"), 6, 4, (x, y) -> rgb(255, 128, 0));
    ImageFolders folders =
        ImageFolders.builder()
            .setDirectory(dir)
            .setBatchSize(4)
            .optImageSize(8)
            .optTestFraction(0.5)
            .build();
    assertThat(folders.imageShape()).isEqualTo(new Shape(3, 8, 8));
    Batch batch = folders.test().getData(manager).iterator().next();
    NDArray images = batch.getData().head();
    assertThat(images.getShape()).isEqualTo(new Shape(1, 3, 8, 8));
    assertThat(images.get(0, 0).toFloatArray())
        .usingComparatorWithPrecision(1e-5f)
        .containsOnly((1f - 0.485f) / 0.229f);
    assertThat(images.get(0, 1).toFloatArray())
        .usingComparatorWithPrecision(1e-5f)
        .containsOnly((128 / 255f - 0.456f) / 0.224f);
    assertThat(images.get(0, 2).toFloatArray())
        .usingComparatorWithPrecision(1e-5f)
        .containsOnly(-0.406f / 0.225f);
    batch.close();
  }

  @Test
  void classFoldersAloneHaveATenthHeldOutBySeed(NDManager manager)
      throws IOException, TranslateException {
    writeClasses(dir, 10, "cats", "dogs");
    ImageFolders folders = builder().optSeed(5).build();
    assertThat(folders.layout()).isEqualTo(ImageFolders.Layout.HELD_OUT);
    assertThat(folders.classNames()).containsExactly("cats", "dogs");
    assertThat(folders.train().size()).isEqualTo(18);
    assertThat(folders.test().size()).isEqualTo(2);

    Set<Integer> train = images(manager, folders.train());
    Set<Integer> test = images(manager, folders.test());
    assertThat(train).hasSize(18).doesNotContainAnyElementsOf(test);
    assertThat(test).hasSize(2);
    assertThat(images(manager, builder().optSeed(5).build().test())).isEqualTo(test);
    assertThat(images(manager, builder().optSeed(6).build().test())).isNotEqualTo(test);
  }

  @Test
  void aLimitKeepsImagesOfSeveralClassesNotTheFirstOnes(NDManager manager)
      throws IOException, TranslateException {
    writeClasses(dir.resolve("train"), 4, "a", "b", "c");
    writeClasses(dir.resolve("test"), 2, "a", "b", "c");
    ImageFolders folders = builder().optTrainLimit(6).optTestLimit(3).build();
    assertThat(folders.testDirectory()).isEqualTo(dir.resolve("test"));
    assertThat(folders.train().size()).isEqualTo(6);
    assertThat(folders.test().size()).isEqualTo(3);
    // Class a has only 4 images, so 6 of them span at least two classes.
    Set<Float> classes = new HashSet<>();
    for (Batch batch : folders.train().getData(manager)) {
      for (float label : batch.getLabels().head().toFloatArray()) {
        classes.add(label);
      }
      batch.close();
    }
    assertThat(classes.size()).isGreaterThan(1);
  }

  @Test
  void cropFlipAugmentsTrainingImagesOnly(NDManager manager)
      throws IOException, TranslateException {
    // Black on the left half, white on the right: a flip makes the left side the brighter.
    for (String part : List.of("train", "val")) {
      Files.createDirectories(dir.resolve(part + "/halves"));
      for (int i = 0; i < 4; i++) {
        png(
            dir.resolve(part + "/halves/" + i + ".png"),
            16,
            16,
            (x, y) -> x < 8 ? rgb(0, 0, 0) : rgb(255, 255, 255));
      }
    }
    Engine.getInstance().setRandomSeed(11);
    ImageFolders folders =
        ImageFolders.builder()
            .setDirectory(dir)
            .setBatchSize(4)
            .optImageSize(16)
            .optAugmentation(Augmentation.CROP_FLIP)
            .build();
    int flipped = 0;
    int kept = 0;
    for (int epoch = 0; epoch < 8; epoch++) {
      for (Batch batch : folders.train().getData(manager)) {
        NDArray images = batch.getData().head();
        assertThat(images.getShape()).isEqualTo(new Shape(4, 3, 16, 16));
        for (int i = 0; i < 4; i++) {
          float left = images.get(i).get(":, :, 0").mean().getFloat();
          float right = images.get(i).get(":, :, 15").mean().getFloat();
          flipped += left > right ? 1 : 0;
          kept += left < right ? 1 : 0;
        }
        batch.close();
      }
    }
    assertThat(flipped).isPositive();
    assertThat(kept).isPositive();
    for (Batch batch : folders.test().getData(manager)) {
      NDArray images = batch.getData().head();
      for (int i = 0; i < 4; i++) {
        assertThat(images.get(i).get(":, :, 0").mean().getFloat())
            .isLessThan(images.get(i).get(":, :, 15").mean().getFloat());
      }
      batch.close();
    }
  }

  /**
   * Why {@link ImageFolders} flips with a transform of its own: DJL 0.35.1's {@code
   * RandomFlipLeftRight} computes the flip and returns its input. If DJL fixes this, this test
   * fails and ImageFolders can use it.
   */
  @Test
  void djlRandomFlipLeftRightReturnsItsInputUnflipped(NDManager manager) {
    NDArray image = manager.create(new float[] {1, 2, 3, 4}, new Shape(1, 4, 1));
    RandomFlipLeftRight flip = new RandomFlipLeftRight();
    for (int i = 0; i < 20; i++) {
      assertThat(flip.transform(image).toFloatArray()).containsExactly(1, 2, 3, 4);
    }
  }

  @Test
  void aMissingDirectorySaysWhatLayoutIsExpected() {
    Path missing = dir.resolve("nowhere");
    assertThatThrownBy(() -> ImageFolders.builder().setDirectory(missing).setBatchSize(2).build())
        .isInstanceOf(FileNotFoundException.class)
        .hasMessage("image folder %s does not exist: give a directory with %s", missing, LAYOUT);
  }

  @Test
  void aFolderWithoutSubFoldersHasNoClasses() throws IOException {
    png(dir.resolve("stray.png"), 2, 2, (x, y) -> 0);
    assertThatThrownBy(() -> builder().build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("image folder %s has no classes: expected %s", dir, LAYOUT);
  }

  @Test
  void aClassFolderWithoutImagesIsNamed() throws IOException {
    writeClasses(dir, 2, "full");
    Files.createDirectories(dir.resolve("empty"));
    Files.writeString(dir.resolve("empty/notes.txt"), "not an image");
    assertThatThrownBy(() -> builder().build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "class folder %s holds no images (files ending in .bmp, .gif, .jpeg, .jpg, "
                + ".png, .wbmp): add images or remove the folder",
            dir.resolve("empty"));
  }

  @Test
  void aTrainFolderWithoutValIsTakenForAClassAndSaysSo() throws IOException {
    writeClasses(dir.resolve("train"), 2, "a", "b");
    assertThatThrownBy(() -> builder().build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "class folder %s holds no images (files ending in .bmp, .gif, .jpeg, .jpg, "
                + ".png, .wbmp); it has sub-folders, but images must lie directly in their class "
                + "folder (for train/ and val/ folders, both must be there): add images or remove "
                + "the folder",
            dir.resolve("train"));
  }

  @Test
  void trainAndTestFoldersMustNameTheSameClasses() throws IOException {
    writeClasses(dir.resolve("train"), 2, "a", "b");
    writeClasses(dir.resolve("val"), 1, "a", "c");
    assertThatThrownBy(() -> builder().build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "the train folder %s has classes [a, b] but the test folder %s has [a, c] "
                + "(only in train: [b]; only in test: [c]): both must hold the same class folders",
            dir.resolve("train"), dir.resolve("val"));
  }

  @Test
  void optionsAreCheckedFirst() {
    assertThatThrownBy(
            () -> ImageFolders.builder().setDirectory(dir).setBatchSize(4).optImageSize(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "optImageSize must be positive, got 0: pass the side in pixels (224 by " + "default)");
    assertThatThrownBy(() -> builder().optTestFraction(1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("optTestFraction must lie strictly between 0 and 1, got 1.0");
    assertThatThrownBy(() -> ImageFolders.builder().setDirectory(dir).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no batch size: call setBatchSize(size)");
  }

  /** Batches of 4, images of 4x4. */
  private ImageFolders.Builder builder() {
    return ImageFolders.builder().setDirectory(dir).setBatchSize(4).optImageSize(4);
  }

  /**
   * Writes {@code perClass} 5x3 PNGs into a folder per class; image {@code i} of class {@code c} is
   * the solid colour (10 i, 40 c, 255 - 40 c), {@code c} counting in the order given.
   */
  private static void writeClasses(Path folder, int perClass, String... classes)
      throws IOException {
    for (int c = 0; c < classes.length; c++) {
      Path classFolder = folder.resolve(classes[c]);
      Files.createDirectories(classFolder);
      for (int i = 0; i < perClass; i++) {
        int colour = rgb(10 * i, 40 * c, 255 - 40 * c);
        png(classFolder.resolve("image" + i + ".png"), 5, 3, (x, y) -> colour);
      }
    }
  }

  private static int rgb(int red, int green, int blue) {
    return red << 16 | green << 8 | blue;
  }

  private static void png(Path file, int width, int height, IntBinaryOperator colourAt)
      throws IOException {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, colourAt.applyAsInt(x, y));
      }
    }
    ImageIO.write(image, "png", file.toFile());
  }

  /**
   * The images a data set gives, each named by its colour: red byte * 1000 + green byte, read back
   * from the normalised top-left pixel.
   */
  private static Set<Integer> images(NDManager manager, RandomAccessDataset data)
      throws IOException, TranslateException {
    Set<Integer> names = new HashSet<>();
    for (Batch batch : data.getData(manager)) {
      NDArray images = batch.getData().head();
      for (int i = 0; i < images.getShape().get(0); i++) {
        int red = Math.round((images.getFloat(i, 0, 0, 0) * 0.229f + 0.485f) * 255);
        int green = Math.round((images.getFloat(i, 1, 0, 0) * 0.224f + 0.456f) * 255);
        names.add(red * 1000 + green);
      }
      batch.close();
    }
    return names;
  }
}
