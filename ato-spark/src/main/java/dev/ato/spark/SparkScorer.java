package dev.ato.spark;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Scores a Spark {@code Dataset<Row>} with a compressed network on the cluster's executors, and
 * returns it with the network's outputs beside each row:
 *
 * <pre>{@code
 * SparkScorer scorer = SparkScorer.builder()
 *     .setModel("hdfs:///models/resnet20-ato-serving")  // a directory CompressedModel.save wrote
 *     .setInputColumn("pixels")
 *     .build();
 * Dataset<Row> scored = scorer.score(images);  // images' columns, then logits and prediction
 * }</pre>
 *
 * <p>Each executor JVM loads the network once, when its first task needs it, and keeps it for the
 * tasks that follow (a DJL model and an ONNX Runtime session serve several threads at once; each
 * task runs the network through a session of its own). Rows go through the network in batches
 * inside {@code mapPartitions}; every array of a batch is closed when the batch is done, and each
 * task's session when the task ends. libtorch's threads follow {@code spark.task.cpus} unless
 * {@code ai.djl.pytorch.num_threads} is set on the executors; ONNX Runtime's intra-op threads
 * always follow it (docs/spark.md).
 *
 * <p>The input column holds one input per row, in one of three forms:
 *
 * <ul>
 *   <li>{@code array<float>} or {@code array<double>}: the network's input as it takes it
 *       (channels, then rows, then columns), already scaled and normalised;
 *   <li>{@code binary}: an encoded image file (PNG, JPEG, BMP, GIF), as Spark's {@code binaryFile}
 *       source reads it;
 *   <li>the struct of Spark's {@code image} source.
 * </ul>
 *
 * Images must have the network's height and width; their pixels are scaled to [0, 1] and then
 * normalised per channel with {@link Builder#optNormalization}, as training's {@code ToTensor} and
 * {@code Normalize} did.
 *
 * <p>A row that cannot be scored (no value, a tensor of the wrong length, an image that does not
 * decode or has the wrong size) fails its task with an {@link IllegalArgumentException} naming the
 * row, or, with {@link Builder#optErrorColumn}, gets null outputs and the reason in that column.
 */
public final class SparkScorer implements Serializable {

  private static final long serialVersionUID = 1L;

  private final String model;
  private final String inputColumn;
  private final String logitsColumn;
  private final String predictionColumn;
  private final String errorColumn;
  private final String rowIdColumn;
  private final int batchSize;
  private final float[] mean;
  private final float[] std;

  private SparkScorer(Builder builder) {
    this.model = builder.model;
    this.inputColumn = builder.inputColumn;
    this.logitsColumn = builder.logitsColumn;
    this.predictionColumn = builder.predictionColumn;
    this.errorColumn = builder.errorColumn;
    this.rowIdColumn = builder.rowIdColumn;
    this.batchSize = builder.batchSize;
    this.mean = builder.mean;
    this.std = builder.std;
  }

  /** A builder; {@link Builder#setModel} and {@link Builder#setInputColumn} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@code rows} with the network's outputs appended: {@code logits} ({@code array<float>}, the
   * network's output for the row, flattened) and {@code prediction} (the index of the largest
   * logit, for a network whose output is one vector per row; else null), and the error column if
   * one was asked for. Lazy, as Spark's transformations are: the network runs when an action needs
   * the rows.
   *
   * @throws IllegalArgumentException when {@code rows} has no input column of a form the scorer
   *     reads, lacks the row id column, or already has a column of an output's name
   */
  public Dataset<Row> score(Dataset<Row> rows) {
    StructType schema = outputSchema(rows.schema());
    InputColumn input = InputColumn.of(rows.schema(), inputColumn);
    int rowId = rowIdColumn == null ? -1 : rows.schema().fieldIndex(rowIdColumn);
    return rows.mapPartitions(
        new PartitionScorer(
            this,
            HadoopFiles.of(rows.sparkSession()),
            input,
            rowIdColumn,
            rowId,
            rows.schema().size()),
        Encoders.row(schema));
  }

  /**
   * The schema {@link #score} returns for rows of {@code input}.
   *
   * @throws IllegalArgumentException as {@link #score} does
   */
  public StructType outputSchema(StructType input) {
    InputColumn.of(input, inputColumn);
    checkArgument(
        rowIdColumn == null || Arrays.asList(input.fieldNames()).contains(rowIdColumn),
        "the row id column '%s' is not in the data set, whose columns are %s",
        rowIdColumn,
        Arrays.toString(input.fieldNames()));
    StructType schema = input;
    schema = withNewColumn(schema, logitsColumn, DataTypes.createArrayType(DataTypes.FloatType));
    schema = withNewColumn(schema, predictionColumn, DataTypes.IntegerType);
    if (errorColumn != null) {
      schema = withNewColumn(schema, errorColumn, DataTypes.StringType);
    }
    return schema;
  }

  private static StructType withNewColumn(
      StructType schema, String name, org.apache.spark.sql.types.DataType type) {
    checkArgument(
        !Arrays.asList(schema.fieldNames()).contains(name),
        "the data set already has a column '%s'; name the scorer's output column otherwise (the"
            + " builder's opt...Column)",
        name);
    return schema.add(
        new StructField(name, type, true, org.apache.spark.sql.types.Metadata.empty()));
  }

  String model() {
    return model;
  }

  int batchSize() {
    return batchSize;
  }

  boolean keepsBadRows() {
    return errorColumn != null;
  }

  Optional<float[]> mean() {
    return Optional.ofNullable(mean).map(float[]::clone);
  }

  Optional<float[]> std() {
    return Optional.ofNullable(std).map(float[]::clone);
  }

  /** Builds a {@link SparkScorer}, in DJL's builder style. */
  public static final class Builder {

    private String model;
    private String inputColumn;
    private String logitsColumn = "logits";
    private String predictionColumn = "prediction";
    private String errorColumn;
    private String rowIdColumn;
    private int batchSize = 64;
    private float[] mean;
    private float[] std;

    private Builder() {}

    /**
     * The compressed network: a directory that {@code CompressedModel.save} wrote (either form),
     * run by libtorch through DJL, or an {@code .onnx} file that {@code OnnxExport} wrote, run by
     * ONNX Runtime (which the job then brings: {@code com.microsoft.onnxruntime:onnxruntime}); as a
     * local path that every executor can read, or as a URI of a Hadoop file system ({@code
     * hdfs://...}, {@code s3a://...}), which each executor copies once to its local disk.
     */
    public Builder setModel(String model) {
      checkArgument(
          model != null && !model.isBlank(),
          "the model must be a directory path or URI, not blank");
      this.model = model;
      return this;
    }

    /** The column holding each row's input. */
    public Builder setInputColumn(String inputColumn) {
      this.inputColumn = columnName(inputColumn, "input");
      return this;
    }

    /** The name of the logits column (default {@code logits}). */
    public Builder optLogitsColumn(String logitsColumn) {
      this.logitsColumn = columnName(logitsColumn, "logits");
      return this;
    }

    /** The name of the prediction column (default {@code prediction}). */
    public Builder optPredictionColumn(String predictionColumn) {
      this.predictionColumn = columnName(predictionColumn, "prediction");
      return this;
    }

    /**
     * Keeps rows that cannot be scored: they get null logits and prediction, and the reason in this
     * column (null for the rows scored). Without it, such a row fails its task.
     */
    public Builder optErrorColumn(String errorColumn) {
      this.errorColumn = columnName(errorColumn, "error");
      return this;
    }

    /**
     * A column whose value names a row in error messages (a file path, a key), beside its place.
     */
    public Builder optRowIdColumn(String rowIdColumn) {
      this.rowIdColumn = columnName(rowIdColumn, "row id");
      return this;
    }

    /** Rows the network takes at once (default 64). */
    public Builder optBatchSize(int batchSize) {
      checkArgument(batchSize > 0, "the batch size must be positive, got %s", batchSize);
      this.batchSize = batchSize;
      return this;
    }

    /**
     * The per-channel normalisation of image inputs, after their pixels are scaled to [0, 1]:
     * {@code (x - mean[c]) / std[c]}, as DJL's {@code Normalize}. Tensor inputs are taken as they
     * are. Without it, images are only scaled.
     */
    public Builder optNormalization(float[] mean, float[] std) {
      checkNotNull(mean, "mean must not be null");
      checkNotNull(std, "std must not be null");
      checkArgument(
          mean.length == std.length && mean.length > 0,
          "mean and std need one value per channel each, got %s and %s values",
          mean.length,
          std.length);
      for (float s : std) {
        checkArgument(s > 0 && Float.isFinite(s), "every std must be positive, got %s", s);
      }
      this.mean = mean.clone();
      this.std = std.clone();
      return this;
    }

    /**
     * The scorer.
     *
     * @throws IllegalStateException when the model or the input column is missing, or two output
     *     columns share a name
     */
    public SparkScorer build() {
      checkState(model != null, "set the model (setModel) before build()");
      checkState(inputColumn != null, "set the input column (setInputColumn) before build()");
      checkState(
          !logitsColumn.equals(predictionColumn)
              && !logitsColumn.equals(errorColumn)
              && !predictionColumn.equals(errorColumn),
          "the output columns need names of their own, got logits '%s', prediction '%s', error '%s'",
          logitsColumn,
          predictionColumn,
          errorColumn);
      return new SparkScorer(this);
    }

    private static String columnName(String name, String what) {
      checkArgument(
          name != null && !name.isBlank(), "the %s column needs a name, got '%s'", what, name);
      return name;
    }
  }
}
