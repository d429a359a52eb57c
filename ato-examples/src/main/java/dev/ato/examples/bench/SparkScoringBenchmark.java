package dev.ato.examples.bench;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import com.google.common.base.Stopwatch;
import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import dev.ato.djl.AtoResult;
import dev.ato.djl.AutoTrainOnce;
import dev.ato.djl.subnet.CompressedModel;
import dev.ato.examples.TrainingOptions;
import dev.ato.examples.data.DataFormat;
import dev.ato.examples.data.FashionMnist;
import dev.ato.examples.data.ImageData;
import dev.ato.examples.latency.Stats;
import dev.ato.spark.SparkScorer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * A compressed ResNet-20 scoring all 70,000 Fashion-MNIST images: on a local Spark through {@link
 * SparkScorer}, against a plain loop of one predictor in the same JVM. Both use the machine's
 * cores: the loop through libtorch's threads, Spark through its task slots of one thread each
 * (docs/spark.md). The two take turns round by round; the images are in memory before either is
 * timed (the loop's as float arrays, Spark's as a DataFrame checkpointed on its executors).
 */
@Command(
    name = "spark-scoring",
    mixinStandardHelpOptions = true,
    description =
        "A compressed ResNet-20 scores all of Fashion-MNIST on a local Spark, against a loop in"
            + " one JVM.")
final class SparkScoringBenchmark implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(SparkScoringBenchmark.class);
  private static final long[] IMAGE = {1, 28, 28};
  private static final int PIXELS = 28 * 28;

  @Mixin TrainingOptions.Length length = new TrainingOptions.Length(2, 64);

  @ParentCommand Benchmarks parent;

  @Option(
      names = "--images",
      defaultValue = "6400",
      description = "Fashion-MNIST training images of the ATO run that makes the network.")
  int images;

  @Option(
      names = "--repeats",
      defaultValue = "5",
      description = "Rounds, each scoring every image once in the loop and once on Spark.")
  int repeats;

  @Option(
      names = "--partitions",
      defaultValue = "8",
      description = "Partitions of the DataFrame (default ${DEFAULT-VALUE}).")
  int partitions;

  @Override
  public Integer call() throws IOException, TranslateException {
    parent.configureEngine();
    int slots = parent.threads();
    Path model = Files.createTempDirectory("ato-spark-scoring");
    Map<String, Double> figures = new LinkedHashMap<>();
    Map<String, String> settings = new LinkedHashMap<>();
    try {
      figures.put("flops_reduction", compressedResNet(model.resolve("model")));
      float[][] inputs = allImages();
      SparkSession spark =
          SparkSession.builder()
              .master("local[" + slots + "]")
              .appName("ato spark-scoring benchmark")
              .config("spark.ui.enabled", "false")
              .config("spark.driver.host", "localhost")
              .config("spark.driver.bindAddress", "127.0.0.1")
              .getOrCreate();
      try {
        Dataset<Row> rows = cachedRows(spark, inputs);
        SparkScorer scorer =
            SparkScorer.builder()
                .setModel(model.resolve("model").toString())
                .setInputColumn("pixels")
                .optBatchSize(length.batch)
                .build();
        Map<String, List<Double>> seconds = new LinkedHashMap<>();
        try (NDManager manager = NDManager.newBaseManager();
            CompressedModel network = CompressedModel.load(model.resolve("model"), manager);
            Model djl = Model.newInstance("loop")) {
          djl.setBlock(network.block());
          int[] loopPredictions = null;
          for (int round = 1; round <= repeats; round++) {
            JniUtils.setNumThreads(slots);
            Stopwatch loop = Stopwatch.createStarted();
            loopPredictions = scoreInLoop(djl, inputs);
            double loopSeconds = loop.elapsed(TimeUnit.NANOSECONDS) / 1e9;
            // One thread per task slot, what SparkScorer chooses for spark.task.cpus = 1. The
            // benchmark sets it itself, round by round: it set ai.djl.pytorch.num_threads for the
            // loop, and SparkScorer keeps a count set on the executor.
            JniUtils.setNumThreads(1);
            Stopwatch onSpark = Stopwatch.createStarted();
            scorer.score(rows).write().format("noop").mode(SaveMode.Overwrite).save();
            double sparkSeconds = onSpark.elapsed(TimeUnit.NANOSECONDS) / 1e9;
            add(seconds, "loop_images_per_second", inputs.length / loopSeconds);
            add(seconds, "spark_images_per_second", inputs.length / sparkSeconds);
            add(seconds, "spark_to_loop", loopSeconds / sparkSeconds);
            LOG.info(
                "spark-scoring, round {} of {}: loop {} s, Spark {} s",
                round,
                repeats,
                String.format(Locale.ROOT, "%.2f", loopSeconds),
                String.format(Locale.ROOT, "%.2f", sparkSeconds));
          }
          figures.put("same_predictions", (double) samePredictions(scorer, rows, loopPredictions));
        }
        Stats.summarise(seconds, figures);
      } finally {
        spark.stop();
      }
      figures.put("images", (double) inputs.length);
      figures.put("partitions", (double) partitions);
      figures.put("batch", (double) length.batch);
      figures.put("repeats", (double) repeats);
    } finally {
      MoreFiles.deleteRecursively(model, RecursiveDeleteOption.ALLOW_INSECURE);
    }
    settings.put("network", "CIFAR ResNet-20 (width 16), input 1x28x28, compressed inference form");
    settings.put(
        "ato",
        String.format(
            Locale.ROOT,
            "builder defaults, FLOPs reduction 0.5, %d epochs of the first %,d Fashion-MNIST"
                + " training images, seed 42",
            length.epochs,
            images));
    settings.put(
        "data",
        "all 60,000 training and 10,000 test images, normalised by the training images' mean and"
            + " standard deviation");
    settings.put(
        "loop",
        String.format(
            Locale.ROOT,
            "one DJL predictor in batches of %d, libtorch on %d threads",
            length.batch,
            slots));
    settings.put(
        "Spark",
        String.format(
            Locale.ROOT,
            "Spark %s, local[%d], the images as a DataFrame of %d partitions (array<float>"
                + " column) checkpointed on the executors, SparkScorer's batches of %d, libtorch on 1 thread per task, the"
                + " scored rows written to Spark's noop sink",
            org.apache.spark.package$.MODULE$.SPARK_VERSION(),
            slots,
            partitions,
            length.batch));
    settings.put(
        "timing",
        repeats
            + " rounds, the loop and Spark taking turns; medians with the lowest and highest;"
            + " Spark's rounds include its job and task start-up");
    parent.store("spark-scoring-resnet20", "spark", settings, figures);
    return 0;
  }

  /**
   * ATO on the builder's defaults, halving ResNet-20's FLOPs; its inference form saved.
   *
   * @return the FLOPs reduction the run reached
   */
  private double compressedResNet(Path directory) throws IOException {
    try (ImageData data = ServedNetwork.trainingImages(images, length.batch);
        AutoTrainOnce ato = ServedNetwork.RESNET20.atoOnDefaults(data, 0.5, length.epochs);
        AtoResult result = ato.fit();
        CompressedModel inference = result.compressed().forInference()) {
      inference.save(directory);
      LOG.info("spark-scoring: {}", result.summary());
      return result.flopsReduction();
    }
  }

  /** Every Fashion-MNIST image, training then test, as the network takes it. */
  private float[][] allImages() throws IOException {
    try (ImageData data =
            ImageData.builder()
                .setFormat(DataFormat.IDX)
                .setDirectory(FashionMnist.directory())
                .setBatchSize(length.batch)
                .optSeed(42)
                .build();
        NDManager manager = NDManager.newBaseManager()) {
      List<float[]> all = new ArrayList<>();
      for (RandomAccessDataset part : List.of(data.train(), data.test())) {
        for (long i = 0; i < part.size(); i++) {
          try (NDManager scope = manager.newSubManager()) {
            Record record = part.get(scope, i);
            all.add(record.getData().head().toFloatArray());
          }
        }
      }
      return all.toArray(new float[0][]);
    }
  }

  private Dataset<Row> cachedRows(SparkSession spark, float[][] inputs) {
    List<Row> rows = new ArrayList<>(inputs.length);
    for (int i = 0; i < inputs.length; i++) {
      rows.add(RowFactory.create(i, inputs[i]));
    }
    StructType schema =
        new StructType()
            .add("id", DataTypes.IntegerType, false)
            .add("pixels", DataTypes.createArrayType(DataTypes.FloatType), false);
    Dataset<Row> frame =
        spark
            .createDataFrame(
                JavaSparkContext.fromSparkContext(spark.sparkContext())
                    .parallelize(rows, partitions),
                schema)
            // Materialised on the executors, its lineage cut: each task then reads its partition
            // there instead of carrying its rows from the driver again in every round.
            .localCheckpoint(true);
    LOG.info("spark-scoring: {} rows cached in {} partitions", frame.count(), partitions);
    return frame;
  }

  /** The predicted class of every input, from one predictor in batches. */
  private int[] scoreInLoop(Model djl, float[][] inputs) throws TranslateException {
    int[] predictions = new int[inputs.length];
    try (Predictor<NDList, NDList> predictor = djl.newPredictor(new NoopTranslator())) {
      for (int from = 0; from < inputs.length; from += length.batch) {
        int to = Math.min(inputs.length, from + length.batch);
        float[] flat = new float[(to - from) * PIXELS];
        for (int i = from; i < to; i++) {
          System.arraycopy(inputs[i], 0, flat, (i - from) * PIXELS, PIXELS);
        }
        try (NDManager scope = NDManager.newBaseManager()) {
          NDList output =
              predictor.predict(
                  new NDList(scope.create(flat, new Shape(to - from).addAll(new Shape(IMAGE)))));
          long[] classes = output.head().argMax(1).toLongArray();
          output.close();
          for (int i = from; i < to; i++) {
            predictions[i] = (int) classes[i - from];
          }
        }
      }
    }
    return predictions;
  }

  /** How many of Spark's predictions equal the loop's. */
  private static int samePredictions(SparkScorer scorer, Dataset<Row> rows, int[] loop) {
    int same = 0;
    for (Row row : scorer.score(rows).select("id", "prediction").collectAsList()) {
      if (row.getInt(1) == loop[row.getInt(0)]) {
        same++;
      }
    }
    return same;
  }

  private static void add(Map<String, List<Double>> series, String name, double value) {
    series.computeIfAbsent(name, key -> new ArrayList<>()).add(value);
  }
}
