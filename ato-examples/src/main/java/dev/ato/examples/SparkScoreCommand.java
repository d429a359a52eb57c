package dev.ato.examples;

import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import com.google.common.base.Stopwatch;
import dev.ato.examples.data.ChannelNormalization;
import dev.ato.examples.data.DataFormat;
import dev.ato.examples.data.FashionMnist;
import dev.ato.examples.data.ImageData;
import dev.ato.spark.SparkScorer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Scores a data set with a saved compressed network on Spark ({@link SparkScorer}): IDX or CIFAR
 * files read into a DataFrame of tensors (normalised as {@code ato resnet} normalised them), or an
 * image folder read with Spark's {@code binaryFile} source and decoded on the executors. Prints how
 * many rows were scored, the accuracy against the labels and the throughput; writes the scores as
 * Parquet if asked.
 */
@Command(
    name = "spark-score",
    mixinStandardHelpOptions = true,
    description = "Scores a data set with a saved compressed network on Spark.")
final class SparkScoreCommand implements Callable<Integer> {

  /** The splits of IDX and CIFAR data. */
  enum Split {
    TEST,
    TRAIN,
    ALL
  }

  @Spec CommandSpec spec;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "DIR",
      description =
          "The saved compressed network (a run's model-inference/ or model/), a local path or a"
              + " Hadoop URI.")
  String model;

  @Option(
      names = "--data",
      defaultValue = FashionMnist.DEBIAN_DIRECTORY,
      paramLabel = "DIR",
      description =
          "Data directory: IDX, CIFAR-10/100 binary files, or an image folder with one sub-folder"
              + " per class (default ${DEFAULT-VALUE}).")
  Path data;

  @Option(
      names = "--split",
      defaultValue = "TEST",
      description = "IDX and CIFAR: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
  Split split;

  @Option(
      names = "--master",
      defaultValue = "local[*]",
      description = "Spark's master (default ${DEFAULT-VALUE}; spark-submit sets its own).")
  String master;

  @Option(
      names = "--partitions",
      defaultValue = "8",
      description = "Partitions of IDX and CIFAR data (default ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--batch", defaultValue = "64", description = "Rows per forward pass.")
  int batch;

  @Option(
      names = "--keep-bad-rows",
      description = "Rows that cannot be scored get an error column instead of failing the job.")
  boolean keepBadRows;

  @Option(
      names = "--output",
      paramLabel = "DIR",
      description = "Writes the scored rows (without the inputs) as Parquet to DIR.")
  String output;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    DataFormat format = DataFormats.recognise(data);
    SparkSession spark =
        SparkSession.builder()
            .master(master)
            .appName("ato spark-score")
            .config("spark.ui.enabled", "false")
            .getOrCreate();
    try {
      SparkScorer.Builder scorer = SparkScorer.builder().setModel(model).optBatchSize(batch);
      Dataset<Row> rows;
      if (format == DataFormat.FOLDER) {
        ChannelNormalization imageNet = ChannelNormalization.IMAGENET;
        scorer.setInputColumn("content").optNormalization(imageNet.mean(), imageNet.std());
        scorer.optRowIdColumn("path");
        rows = folderRows(spark);
      } else {
        scorer.setInputColumn("pixels").optRowIdColumn("id");
        rows = tensorRows(spark, format);
      }
      if (keepBadRows) {
        scorer.optErrorColumn("error");
      }
      Dataset<Row> scored =
          scorer.build().score(rows).drop(format == DataFormat.FOLDER ? "content" : "pixels");
      Stopwatch watch = Stopwatch.createStarted();
      scored = scored.cache();
      long count = scored.count();
      double seconds = watch.elapsed(TimeUnit.MILLISECONDS) / 1e3;
      long correct =
          scored.filter(functions.col("prediction").equalTo(functions.col("label"))).count();
      long bad = scored.filter(functions.col("prediction").isNull()).count();
      out.printf(
          Locale.ROOT,
          "scored %,d rows of %s (%s) on %s in %.1f s, %.0f rows/s; accuracy %.4f (%,d of %,d"
              + " scored)%s%n",
          count,
          data,
          format.displayName(),
          master,
          seconds,
          count / seconds,
          (double) correct / Math.max(1, count - bad),
          correct,
          count - bad,
          bad > 0 ? String.format(Locale.ROOT, "; %,d rows could not be scored", bad) : "");
      if (output != null) {
        scored.write().mode("overwrite").parquet(output);
        out.printf(Locale.ROOT, "wrote the scores to %s%n", output);
      }
      return 0;
    } finally {
      spark.stop();
    }
  }

  /**
   * IDX or CIFAR images as tensors, normalised by the training images' mean and standard deviation
   * as {@code ato resnet} normalises them; read on the driver, then parallelised.
   */
  private Dataset<Row> tensorRows(SparkSession spark, DataFormat format) throws IOException {
    List<Row> rows = new ArrayList<>();
    try (ImageData images =
            ImageData.builder()
                .setFormat(format)
                .setDirectory(data)
                .setBatchSize(batch)
                .optSeed(42)
                .build();
        NDManager manager = NDManager.newBaseManager()) {
      List<RandomAccessDataset> parts =
          switch (split) {
            case TEST -> List.of(images.test());
            case TRAIN -> List.of(images.train());
            case ALL -> List.of(images.train(), images.test());
          };
      for (RandomAccessDataset part : parts) {
        for (long i = 0; i < part.size(); i++) {
          try (NDManager scope = manager.newSubManager()) {
            Record record = part.get(scope, i);
            rows.add(
                RowFactory.create(
                    rows.size(),
                    (int) record.getLabels().head().toFloatArray()[0],
                    record.getData().head().toFloatArray()));
          }
        }
      }
    }
    StructType schema =
        new StructType()
            .add("id", DataTypes.IntegerType, false)
            .add("label", DataTypes.IntegerType, false)
            .add("pixels", DataTypes.createArrayType(DataTypes.FloatType), false);
    return spark.createDataFrame(
        JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, partitions),
        schema);
  }

  /**
   * An image folder's files through Spark's {@code binaryFile} source, each labelled by its class
   * folder's place among the folders in name order (as DJL's ImageFolder numbers them).
   */
  private Dataset<Row> folderRows(SparkSession spark) throws IOException {
    List<String> classes;
    try (Stream<Path> entries = Files.list(data)) {
      classes =
          entries
              .filter(Files::isDirectory)
              .map(path -> path.getFileName().toString())
              .sorted()
              .toList();
    }
    Dataset<Row> files =
        spark
            .read()
            .format("binaryFile")
            .option("recursiveFileLookup", "true")
            .load(data.toString());
    org.apache.spark.sql.Column folder =
        functions.element_at(functions.split(functions.col("path"), "/"), -2);
    org.apache.spark.sql.Column label = functions.lit(-1);
    for (int i = classes.size() - 1; i >= 0; i--) {
      label = functions.when(folder.equalTo(classes.get(i)), i).otherwise(label);
    }
    return files.select(functions.col("path"), label.as("label"), functions.col("content"));
  }
}
