package dev.ato.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.ato.djl.export.OnnxExport;
import dev.ato.djl.subnet.CompressedModel;
import dev.ato.djl.testing.CifarNetworks;
import dev.ato.djl.testing.PrunedModels;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scoring a data set on a local Spark of two task slots: real Fashion-MNIST test images through a
 * CIFAR ResNet-8 cut by a random mask and saved as users save it.
 */
class SparkScorerTest {

  private static final int IMAGES = 300;
  private static final int PARTITIONS = 4;
  private static final int BATCH = 64;

  private static final StructType TENSORS =
      new StructType(
          new StructField[] {
            DataTypes.createStructField("id", DataTypes.IntegerType, false),
            DataTypes.createStructField(
                "pixels", DataTypes.createArrayType(DataTypes.FloatType), true)
          });

  @TempDir static Path directory;

  private static SparkSession spark;
  private static byte[][] images;
  private static Path model;
  private static float[][] reference;

  @BeforeAll
  static void saveNetworkAndScoreItInThisJvm() throws Exception {
    spark = LocalSpark.session();
    images = FashionMnistRows.images(IMAGES);
    model = saved("model");
    List<float[]> inputs = new ArrayList<>();
    for (byte[] image : images) {
      inputs.add(FashionMnistRows.scaled(image));
    }
    // One libtorch thread, as each of local[2]'s tasks runs with spark.task.cpus = 1.
    reference = LibtorchThreads.call(1, () -> scoreInThisJvm(model, inputs));
  }

  @AfterAll
  static void closeModels() {
    ExecutorModels.closeAll();
  }

  @Test
  void scoresOnTheExecutorsEqualScoresOfOneJvmExactly() {
    Dataset<Row> scored =
        SparkScorer.builder()
            .setModel(model.toString())
            .setInputColumn("pixels")
            .build()
            .score(tensorRows(inputsOf(images)));

    List<Row> rows = sortedById(scored);
    assertThat(rows).hasSize(IMAGES);
    for (Row row : rows) {
      int id = row.getInt(0);
      assertThat(logits(row)).as("logits of image %s", id).containsExactly(reference[id]);
      assertThat(row.getInt(row.fieldIndex("prediction"))).isEqualTo(argmax(reference[id]));
    }
  }

  @Test
  void anOnnxFileScoresAsOnnxRuntimeInOneJvmDoesExactlyAndAsDjlWithinRounding() throws Exception {
    Path onnx = directory.resolve("model.onnx");
    List<float[]> inputs = inputsOf(images);
    float[][] alone = scoreWithOnnxRuntime(onnx, inputs);

    List<Row> rows =
        sortedById(
            SparkScorer.builder()
                .setModel(onnx.toString())
                .setInputColumn("pixels")
                .build()
                .score(tensorRows(inputs)));

    assertThat(ExecutorModels.loads(onnx.toString())).isEqualTo(1);
    for (Row row : rows) {
      int id = row.getInt(0);
      assertThat(logits(row)).as("logits of image %s", id).containsExactly(alone[id]);
      assertThat(logits(row)).containsExactly(reference[id], within(1e-4f));
    }
  }

  @Test
  void eachExecutorLoadsTheNetworkOnceForAllItsTasks() throws Exception {
    Path fresh = saved("loaded-once");

    SparkScorer.builder()
        .setModel(fresh.toString())
        .setInputColumn("pixels")
        .build()
        .score(tensorRows(inputsOf(images)))
        .count();

    // local[2] runs its four tasks, two at a time, in one executor: the driver's JVM.
    assertThat(ExecutorModels.loads(fresh.toString())).isEqualTo(1);
  }

  @Test
  void libtorchRunsAsManyThreadsAsOneTaskHasCores() {
    SparkScorer.builder()
        .setModel(model.toString())
        .setInputColumn("pixels")
        .build()
        .score(tensorRows(inputsOf(images)))
        .count();
    List<Integer> inTasks =
        JavaSparkContext.fromSparkContext(spark.sparkContext())
            .parallelize(List.of(1, 2), 2)
            .map(partition -> EngineThreads.threads())
            .collect();

    // spark.task.cpus is 1 by default: two tasks at once on two slots, one thread each. Nothing
    // in the tests sets the property; the scorer did, from the task's cores.
    assertThat(System.getProperty(EngineThreads.THREADS_PROPERTY)).isEqualTo("1");
    assertThat(inTasks).containsExactly(1, 1);
  }

  @Test
  void aRowOfTheWrongLengthFailsTheJobNamingTheRow() {
    List<float[]> inputs = inputsOf(images);
    inputs.set(80, Arrays.copyOf(inputs.get(80), 783));
    Dataset<Row> scored =
        SparkScorer.builder()
            .setModel(model.toString())
            .setInputColumn("pixels")
            .optRowIdColumn("id")
            .build()
            .score(tensorRows(inputs));

    // Image 80 is the sixth row of the second of four slices of 300.
    assertThatThrownBy(scored::collectAsList)
        .isInstanceOf(SparkException.class)
        .hasMessageContaining(
            "row 5 of partition 1 (id = 80) cannot be scored: its input column 'pixels' has 783"
                + " values; the network takes 1x28x28 = 784");
  }

  @Test
  void withAnErrorColumnABadRowGetsNullsAndItsReasonAndTheOthersTheirScores() {
    List<float[]> inputs = inputsOf(images);
    inputs.set(3, null);
    List<Row> rows =
        sortedById(
            SparkScorer.builder()
                .setModel(model.toString())
                .setInputColumn("pixels")
                .optErrorColumn("error")
                .build()
                .score(tensorRows(inputs)));

    Row bad = rows.get(3);
    assertThat(bad.isNullAt(bad.fieldIndex("logits"))).isTrue();
    assertThat(bad.isNullAt(bad.fieldIndex("prediction"))).isTrue();
    assertThat(bad.getString(bad.fieldIndex("error")))
        .isEqualTo("row 3 of partition 0 cannot be scored: its input column 'pixels' is null");
    for (Row row : rows) {
      int id = row.getInt(0);
      if (id != 3) {
        assertThat(row.isNullAt(row.fieldIndex("error"))).isTrue();
        // The bad row leaves its batch one row short of the reference's, and libtorch may sum in
        // another order for another batch size.
        assertThat(logits(row))
            .as("logits of image %s", id)
            .containsExactly(reference[id], within(1e-5f));
      }
    }
  }

  @Test
  void pngFilesScoreAsTheirPixelsDo() throws IOException {
    List<Row> files = new ArrayList<>();
    for (int i = 0; i < images.length; i++) {
      files.add(RowFactory.create(i, png(images[i])));
    }
    StructType schema =
        new StructType()
            .add("id", DataTypes.IntegerType, false)
            .add("content", DataTypes.BinaryType, true);

    List<Row> rows =
        sortedById(
            SparkScorer.builder()
                .setModel(model.toString())
                .setInputColumn("content")
                .build()
                .score(rows(files, schema)));

    for (Row row : rows) {
      assertThat(logits(row)).containsExactly(reference[row.getInt(0)]);
    }
  }

  @Test
  void bytesThatAreNoImageAreABadRow() {
    List<Row> files = List.of(RowFactory.create(0, new byte[] {1, 2, 3}));
    StructType schema =
        new StructType()
            .add("id", DataTypes.IntegerType, false)
            .add("content", DataTypes.BinaryType, true);

    Row row =
        SparkScorer.builder()
            .setModel(model.toString())
            .setInputColumn("content")
            .optErrorColumn("error")
            .build()
            .score(spark.createDataFrame(files, schema))
            .first();

    assertThat(row.getString(row.fieldIndex("error")))
        .isEqualTo(
            "row 0 of partition 0 cannot be scored: its input column 'content' (3 bytes) is no"
                + " image format Java reads (PNG, JPEG, BMP, GIF)");
  }

  @Test
  void sparkImageSourceRowsScoreAsTheirPixelsDo() {
    StructType image =
        new StructType()
            .add("origin", DataTypes.StringType, true)
            .add("height", DataTypes.IntegerType, false)
            .add("width", DataTypes.IntegerType, false)
            .add("nChannels", DataTypes.IntegerType, false)
            .add("mode", DataTypes.IntegerType, false)
            .add("data", DataTypes.BinaryType, false);
    StructType schema =
        new StructType().add("id", DataTypes.IntegerType, false).add("image", image, true);
    List<Row> structs = new ArrayList<>();
    for (int i = 0; i < images.length; i++) {
      // OpenCV's CV_8UC1 is mode 0.
      structs.add(RowFactory.create(i, RowFactory.create("mem://" + i, 28, 28, 1, 0, images[i])));
    }

    List<Row> rows =
        sortedById(
            SparkScorer.builder()
                .setModel(model.toString())
                .setInputColumn("image")
                .build()
                .score(rows(structs, schema)));

    for (Row row : rows) {
      assertThat(logits(row)).containsExactly(reference[row.getInt(0)]);
    }
  }

  @Test
  void anInputColumnOfAnotherTypeIsAnErrorBeforeAnyTask() {
    Dataset<Row> words =
        spark.createDataFrame(
            List.of(RowFactory.create("a")), new StructType().add("word", DataTypes.StringType));
    SparkScorer scorer =
        SparkScorer.builder().setModel(model.toString()).setInputColumn("word").build();

    assertThatThrownBy(() -> scorer.score(words))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "the input column 'word' is string; the scorer reads array<float> or array<double>"
                + " (the network's input as it takes it), binary (an encoded image file) or the"
                + " struct of Spark's image source");
  }

  @Test
  void aMissingModelIsAnErrorNamingIt() {
    Path missing = directory.resolve("no-such-model");
    Dataset<Row> scored =
        SparkScorer.builder()
            .setModel(missing.toString())
            .setInputColumn("pixels")
            .build()
            .score(tensorRows(inputsOf(images).subList(0, 4)));

    assertThatThrownBy(scored::count)
        .isInstanceOf(SparkException.class)
        .hasMessageContaining(missing.toString());
  }

  /** The network CompressedModel.save writes for a ResNet-8 cut by a random mask, by name. */
  private static Path saved(String name) {
    Path path = directory.resolve(name);
    try (NDManager manager = NDManager.newBaseManager();
        CompressedModel compressed =
            PrunedModels.randomlyPruned(
                CifarNetworks.resNet(8, 10), new Shape(2, 1, 28, 28), 5, manager);
        CompressedModel inference = compressed.forInference()) {
      inference.save(path);
      OnnxExport.of(inference).save(directory.resolve(name + ".onnx"));
    }
    return path;
  }

  /** The logits of {@code inputs} from one DJL predictor in this JVM, in the scorer's batches. */
  private static float[][] scoreInThisJvm(Path saved, List<float[]> inputs) throws Exception {
    try (NDManager manager = NDManager.newBaseManager();
        CompressedModel network = CompressedModel.load(saved, manager);
        Model djl = Model.newInstance("reference");
        Predictor<NDList, NDList> predictor = newPredictor(djl, network)) {
      return inScorersBatches(
          inputs,
          (flat, rows) -> {
            try (NDManager scope = NDManager.newBaseManager()) {
              NDList output =
                  predictor.predict(new NDList(scope.create(flat, new Shape(rows, 1, 28, 28))));
              float[] values = output.head().toFloatArray();
              output.close();
              return values;
            }
          });
    }
  }

  /** The logits of {@code inputs} from one ONNX Runtime session in this JVM, on one thread. */
  private static float[][] scoreWithOnnxRuntime(Path file, List<float[]> inputs) throws Exception {
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      try (OrtSession session = environment.createSession(file.toString(), options)) {
        return inScorersBatches(
            inputs,
            (flat, rows) -> {
              try (OnnxTensor batch =
                      OnnxTensor.createTensor(
                          environment, FloatBuffer.wrap(flat), new long[] {rows, 1, 28, 28});
                  OrtSession.Result result = session.run(Map.of("input", batch))) {
                FloatBuffer values = ((OnnxTensor) result.get(0)).getFloatBuffer();
                float[] copy = new float[values.remaining()];
                values.get(copy);
                return copy;
              }
            });
      }
    }
  }

  private static Predictor<NDList, NDList> newPredictor(Model djl, CompressedModel network) {
    djl.setBlock(network.block());
    return djl.newPredictor(new NoopTranslator());
  }

  /** A runtime's logits for a batch of {@code rows} inputs laid end to end. */
  private interface BatchLogits {
    float[] of(float[] flat, int rows) throws Exception;
  }

  /**
   * The logits of {@code inputs}, in the batches the scorer makes: Spark cuts a list into {@value
   * #PARTITIONS} contiguous slices, and each task takes {@value #BATCH} rows at a time.
   */
  private static float[][] inScorersBatches(List<float[]> inputs, BatchLogits runtime)
      throws Exception {
    float[][] logits = new float[inputs.size()][];
    for (int slice = 0; slice < PARTITIONS; slice++) {
      int start = slice * inputs.size() / PARTITIONS;
      int end = (slice + 1) * inputs.size() / PARTITIONS;
      for (int from = start; from < end; from += BATCH) {
        int to = Math.min(end, from + BATCH);
        float[] flat = new float[(to - from) * 784];
        for (int i = from; i < to; i++) {
          System.arraycopy(inputs.get(i), 0, flat, (i - from) * 784, 784);
        }
        float[] values = runtime.of(flat, to - from);
        for (int i = from; i < to; i++) {
          logits[i] = Arrays.copyOfRange(values, (i - from) * 10, (i - from + 1) * 10);
        }
      }
    }
    return logits;
  }

  private static List<float[]> inputsOf(byte[][] images) {
    List<float[]> inputs = new ArrayList<>();
    for (byte[] image : images) {
      inputs.add(FashionMnistRows.scaled(image));
    }
    return inputs;
  }

  private static Dataset<Row> tensorRows(List<float[]> inputs) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      // A Java array: Spark's row encoder takes arrays and Scala sequences, not Java lists.
      rows.add(RowFactory.create(i, inputs.get(i)));
    }
    return rows(rows, TENSORS);
  }

  /** {@code rows} in {@value #PARTITIONS} contiguous slices. */
  private static Dataset<Row> rows(List<Row> rows, StructType schema) {
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    return spark.createDataFrame(context.parallelize(rows, PARTITIONS), schema);
  }

  private static List<Row> sortedById(Dataset<Row> scored) {
    List<Row> rows = new ArrayList<>(scored.collectAsList());
    rows.sort(Comparator.comparingInt(row -> row.getInt(0)));
    return rows;
  }

  private static float[] logits(Row row) {
    List<Float> values = row.getList(row.fieldIndex("logits"));
    float[] logits = new float[values.size()];
    for (int i = 0; i < logits.length; i++) {
      logits[i] = values.get(i);
    }
    return logits;
  }

  private static int argmax(float[] values) {
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      if (values[i] > values[best]) {
        best = i;
      }
    }
    return best;
  }

  private static byte[] png(byte[] image) throws IOException {
    BufferedImage grey = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
    grey.getRaster().setDataElements(0, 0, 28, 28, image);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageIO.write(grey, "png", bytes);
    return bytes.toByteArray();
  }
}
