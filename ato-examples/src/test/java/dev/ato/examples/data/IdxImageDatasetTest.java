package dev.ato.examples.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.BatchSampler;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.SequenceSampler;
import ai.djl.translate.TranslateException;
import dev.ato.djl.data.HeldOutSplit;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading small IDX files written here, plain and gzip: values, shapes, options, the held-out split
 * and every error a user can cause, with its message.
 */
@ExtendWith(ManagerPerTest.class)
class IdxImageDatasetTest {

  private static final int ROWS = 2;
  private static final int COLS = 3;

  @TempDir Path dir;

  @Test
  void plainAndGzipFilesGiveTheSameScaledImagesAndLabels(NDManager manager) throws IOException {
    writeSet("plain", 3, false);
    writeSet("gzip", 3, true);
    for (String name : List.of("plain", "gzip")) {
      try (IdxImageDataset dataset = builder(name).build()) {
        assertThat(dataset.size()).isEqualTo(3);
        NDList all = all(manager, dataset);
        assertThat(all.get(0).getShape()).isEqualTo(new Shape(3, 1, ROWS, COLS));
        assertThat(all.get(1).getShape()).isEqualTo(new Shape(3));
        assertThat(all.get(0).toFloatArray()).containsExactly(scaled(pixels(3)), within(0f));
        assertThat(all.get(1).toFloatArray()).containsExactly(0, 1, 2);
      }
    }
  }

  @Test
  void optLimitReadsOnlyTheFirstImages(NDManager manager) throws IOException {
    writeSet("set", 5, true);
    try (IdxImageDataset dataset = builder("set").optLimit(2).build()) {
      assertThat(dataset.size()).isEqualTo(2);
      NDList all = all(manager, dataset);
      assertThat(all.get(0).getShape()).isEqualTo(new Shape(2, 1, ROWS, COLS));
      assertThat(all.get(1).toFloatArray()).containsExactly(0, 1);
    }
  }

  @Test
  void normalisationAppliesMeanAndStdAfterScaling(NDManager manager) throws IOException {
    writeSet("set", 2, false);
    try (IdxImageDataset dataset = builder("set").optNormalization(0.5f, 0.25f).build()) {
      float[] expected = scaled(pixels(2));
      for (int i = 0; i < expected.length; i++) {
        expected[i] = (expected[i] - 0.5f) / 0.25f;
      }
      assertThat(all(manager, dataset).get(0).toFloatArray())
          .containsExactly(expected, within(1e-6f));
    }
  }

  @Test
  void batchesStackImagesAndLabelsForTraining(NDManager manager)
      throws IOException, TranslateException {
    writeSet("set", 5, true);
    try (IdxImageDataset dataset = builder("set").build()) {
      List<Shape> imageShapes = new ArrayList<>();
      List<Float> labels = new ArrayList<>();
      for (Batch batch : dataset.getData(manager)) {
        imageShapes.add(batch.getData().head().getShape());
        for (float label : batch.getLabels().head().toFloatArray()) {
          labels.add(label);
        }
        batch.close();
      }
      assertThat(imageShapes)
          .containsExactly(
              new Shape(2, 1, ROWS, COLS),
              new Shape(2, 1, ROWS, COLS),
              new Shape(1, 1, ROWS, COLS));
      assertThat(labels).containsExactly(0f, 1f, 2f, 3f, 4f);
    }
  }

  @Test
  void splitHoldsOutTheRoundedFractionDisjointlyAndBySeedAlone(NDManager manager)
      throws IOException, TranslateException {
    // Labels are record indices here, so a part's labels name its records.
    writeSet("set", 20, true);
    try (IdxImageDataset dataset = builder("set").build()) {
      HeldOutSplit split = dataset.split(0.23, 7);
      assertThat(split.heldOut().size()).isEqualTo(5); // 0.23 * 20 = 4.6, rounded
      assertThat(split.train().size()).isEqualTo(15);

      List<Float> heldOut = batchedLabels(manager, split.heldOut());
      List<Float> train = batchedLabels(manager, split.train());
      Set<Float> union = new HashSet<>(heldOut);
      union.addAll(train);
      assertThat(union).hasSize(20);
      assertThat(heldOut).isSorted();
      assertThat(train).isSorted();
      // Sequential batches are contiguous index ranges; they must still read the part's rows.
      assertThat(heldOut).isEqualTo(recordLabels(manager, split.heldOut()));

      assertThat(batchedLabels(manager, dataset.split(0.23, 7).heldOut())).isEqualTo(heldOut);
      assertThat(batchedLabels(manager, dataset.split(0.23, 8).heldOut())).isNotEqualTo(heldOut);
    }
  }

  /**
   * Why {@link IdxImageDataset#split} does not use DJL's {@code randomSplit}: a sequential
   * sampler's batches of a part read the parent's rows {@code from..to} in order, not the part's
   * own (shuffled) records. If DJL fixes this, this test fails and the note in djl-notes.md can go.
   */
  @Test
  void djlRandomSplitPartsIgnoreTheirPermutationInContiguousBatches(NDManager manager)
      throws IOException, TranslateException {
    writeSet("set", 10, false);
    Engine.getInstance().setRandomSeed(1234);
    try (IdxImageDataset dataset = builder("set").build()) {
      RandomAccessDataset second = dataset.randomSplit(1, 1)[1];
      assertThat(batchedLabels(manager, second)).containsExactly(5f, 6f, 7f, 8f, 9f);
      assertThat(recordLabels(manager, second)).isNotEqualTo(List.of(5f, 6f, 7f, 8f, 9f));
    }
  }

  @Test
  void aMissingFileIsNamed() {
    Path missing = dir.resolve("nothing-here.gz");
    assertThatThrownBy(build(missing, missing))
        .isInstanceOf(FileNotFoundException.class)
        .hasMessage("images file %s does not exist", missing);
  }

  @Test
  void aFileOfTheWrongKindNamesTheFileAndBothMagicNumbers() throws IOException {
    writeSet("set", 3, true);
    assertThatThrownBy(build(labelsFile("set"), imagesFile("set")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "images file %s has magic number 0x00000801 (IDX labels), expected "
                + "0x00000803 (IDX images): are the images and labels files swapped?",
            labelsFile("set"));

    Path text = dir.resolve("notes.txt");
    Files.writeString(text, "not an IDX file");
    assertThatThrownBy(build(imagesFile("set"), text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "labels file %s has magic number 0x6e6f7420 (not IDX unsigned bytes), "
                + "expected 0x00000801 (IDX labels)",
            text);
  }

  @Test
  void countsThatDisagreeAreBothNamed() throws IOException {
    writeSet("three", 3, false);
    writeSet("four", 4, true);
    assertThatThrownBy(build(imagesFile("three"), labelsFile("four")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "images file %s holds 3 images but labels file %s holds 4 labels: they "
                + "must be the two halves of one set",
            imagesFile("three"), labelsFile("four"));
  }

  @Test
  void aTruncatedFileSaysHowFarItGoes() throws IOException {
    writeSet("set", 3, true);
    Path images = imagesFile("set");
    byte[] whole = idx(IdxFile.IMAGES_MAGIC, new int[] {3, ROWS, COLS}, pixels(3));
    byte[] cut = Arrays.copyOf(whole, whole.length - 1);
    Files.write(images, gzip(cut));
    assertThatThrownBy(() -> builder("set").build())
        .isInstanceOf(EOFException.class)
        .hasMessage("images file %s ends after 2 of 3 images: the file is truncated", images);

    Files.write(images, new byte[] {0, 0, 8});
    assertThatThrownBy(() -> builder("set").build())
        .isInstanceOf(EOFException.class)
        .hasMessage(
            "images file %s ends inside its IDX header: it is empty or not an IDX " + "file",
            images);
  }

  @Test
  void optionsOutOfRangeAreRejectedByBuildNamingTheValue() throws IOException {
    writeSet("set", 3, false);
    assertThatThrownBy(() -> builder("set").optLimit(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "optLimit must be positive, got 0: pass the number of images to read, or "
                + "omit it to read them all");
    assertThatThrownBy(() -> builder("set").optLimit(-5).build())
        .hasMessageStartingWith("optLimit must be positive, got -5:");
    assertThatThrownBy(
            () ->
                IdxImageDataset.builder()
                    .setImages(imagesFile("set"))
                    .setLabels(labelsFile("set"))
                    .setSampling(0, true)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "batch size must be positive, got 0: pass setSampling(batchSize > 0, " + "shuffle)");
    assertThatThrownBy(() -> builder("set").optNormalization(0.5f, 0f).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "optNormalization needs a finite mean and a positive finite std, got mean "
                + "0.5 and std 0.0");
  }

  @Test
  void missingAndRepeatedOptionsAreRejected() throws IOException {
    writeSet("set", 3, false);
    assertThatThrownBy(
            () ->
                IdxImageDataset.builder()
                    .setImages(imagesFile("set"))
                    .setLabels(labelsFile("set"))
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no sampling: call setSampling(batchSize, shuffle)");
    assertThatThrownBy(
            () ->
                IdxImageDataset.builder()
                    .setLabels(labelsFile("set"))
                    .setSampling(2, false)
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no images file: call setImages(path)");
    assertThatThrownBy(() -> builder("set").setImages(labelsFile("set")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("images was already set to %s", imagesFile("set"));
    assertThatThrownBy(() -> builder("set").optLimit(2).optLimit(3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("optLimit was already set to 2");
  }

  @Test
  void splitRejectsFractionsThatLeaveAPartEmpty() throws IOException {
    writeSet("set", 10, false);
    try (IdxImageDataset dataset = builder("set").build()) {
      assertThatThrownBy(() -> dataset.split(1.0, 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("the held-out fraction must lie strictly between 0 and 1, got 1.0");
      assertThatThrownBy(() -> dataset.split(0.01, 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("holding out 0.01 of 10 records gives 0: both parts must be non-empty");
    }
  }

  /** Images {@code set-images}, labels {@code set-labels}, batches of 2 in file order. */
  private IdxImageDataset.Builder builder(String set) {
    return builder(imagesFile(set), labelsFile(set));
  }

  private static IdxImageDataset.Builder builder(Path images, Path labels) {
    return IdxImageDataset.builder().setImages(images).setLabels(labels).setSampling(2, false);
  }

  private static ThrowingCallable build(Path images, Path labels) {
    return () -> builder(images, labels).build();
  }

  private Path imagesFile(String set) {
    return dir.resolve(set + "-images");
  }

  private Path labelsFile(String set) {
    return dir.resolve(set + "-labels");
  }

  /** Writes {@code count} images of {@link #pixels} and labels 0, 1, 2, ... */
  private void writeSet(String set, int count, boolean gzip) throws IOException {
    byte[] labels = new byte[count];
    for (int i = 0; i < count; i++) {
      labels[i] = (byte) i;
    }
    byte[] images = idx(IdxFile.IMAGES_MAGIC, new int[] {count, ROWS, COLS}, pixels(count));
    byte[] labelBytes = idx(IdxFile.LABELS_MAGIC, new int[] {count}, labels);
    Files.write(imagesFile(set), gzip ? gzip(images) : images);
    Files.write(labelsFile(set), gzip ? gzip(labelBytes) : labelBytes);
  }

  /** Pixel bytes covering 0 to 255 (as unsigned), so that scaling is seen at both ends. */
  private static byte[] pixels(int count) {
    byte[] pixels = new byte[count * ROWS * COLS];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) (i * 51);
    }
    return pixels;
  }

  private static float[] scaled(byte[] pixels) {
    float[] values = new float[pixels.length];
    for (int i = 0; i < pixels.length; i++) {
      values[i] = (pixels[i] & 0xff) / 255f;
    }
    return values;
  }

  private static byte[] idx(int magic, int[] dims, byte[] values) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(magic);
      for (int dim : dims) {
        out.writeInt(dim);
      }
      out.write(values);
    }
    return bytes.toByteArray();
  }

  private static byte[] gzip(byte[] plain) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(bytes)) {
      out.write(plain);
    }
    return bytes.toByteArray();
  }

  private static NDList all(NDManager manager, ArrayDataset dataset) {
    Batch batch = dataset.getByRange(manager, 0, dataset.size());
    return new NDList(batch.getData().head(), batch.getLabels().head());
  }

  /** Labels as sequential batches of 2 deliver them (contiguous index ranges). */
  private static List<Float> batchedLabels(NDManager manager, RandomAccessDataset dataset)
      throws IOException, TranslateException {
    List<Float> labels = new ArrayList<>();
    for (Batch batch : dataset.getData(manager, new BatchSampler(new SequenceSampler(), 2))) {
      for (float label : batch.getLabels().head().toFloatArray()) {
        labels.add(label);
      }
      batch.close();
    }
    return labels;
  }

  /** Labels record by record, through {@code get(manager, index)}. */
  private static List<Float> recordLabels(NDManager manager, RandomAccessDataset dataset)
      throws IOException {
    List<Float> labels = new ArrayList<>();
    for (long i = 0; i < dataset.size(); i++) {
      NDArray label = dataset.get(manager, i).getLabels().head();
      labels.add(label.getFloat());
    }
    return labels;
  }
}
