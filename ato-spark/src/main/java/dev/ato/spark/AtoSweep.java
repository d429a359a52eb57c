package dev.ato.spark;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A budget sweep: one ATO run per (FLOPs reduction, seed), each a Spark task, so that the trade-off
 * between size and accuracy is measured before anyone picks a budget.
 *
 * <pre>{@code
 * SweepResult result = AtoSweep.builder()
 *     .setRun(point -> AutoTrainOnce.builder()...setEpochs(12))   // model, data, shared settings
 *     .setReductions(0.3, 0.5, 0.7)
 *     .optSeeds(42, 43)
 *     .setOutput("hdfs:///sweeps/resnet20")
 *     .build()
 *     .run(spark);
 * }</pre>
 *
 * <p>Each run writes its compressed network ({@code model/}) and {@code report.json} under {@code
 * <output>/<point>/} through Hadoop's {@code FileSystem}; the sweep then writes the Pareto table
 * ({@code pareto.md}, {@code pareto.csv}) and chart ({@code pareto.png}) under the output. A point
 * whose {@code report.json} is there already is not run again, so a sweep that was stopped goes on
 * where it was.
 *
 * <p>Runs write checkpoints; a task that fails (an executor lost, a run killed) is retried by Spark
 * ({@code spark.task.maxFailures}) and resumes from the last checkpoint when the retry lands where
 * the checkpoints are (docs/spark.md). The same points and seeds give the figures that running the
 * runs one after another gives with libtorch on as many threads as a task: an executor runs one ATO
 * run at a time, because DJL's random generator, which a run seeds at each epoch, is one per JVM.
 */
public final class AtoSweep {

  private static final Logger LOG = LoggerFactory.getLogger(AtoSweep.class);

  private final SweepRun run;
  private final ImmutableList<SweepPoint> points;
  private final String output;
  private final String checkpoints;
  private final boolean higherIsBetter;

  private AtoSweep(Builder builder) {
    this.run = builder.run;
    List<SweepPoint> all = new ArrayList<>();
    for (double reduction : builder.reductions) {
      for (long seed : builder.seeds) {
        all.add(new SweepPoint(reduction, seed));
      }
    }
    this.points = ImmutableList.copyOf(all);
    this.output = builder.output;
    this.checkpoints = builder.checkpoints;
    this.higherIsBetter = builder.higherIsBetter;
  }

  /** A builder; the run, the reductions and the output are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Runs the sweep on {@code spark}'s executors, one task per point, and writes the Pareto table
   * and chart. A run that fails on every attempt Spark makes fails the sweep with Spark's
   * exception, whose message carries the run's own error.
   */
  public SweepResult run(SparkSession spark) {
    HadoopFiles files = HadoopFiles.of(spark);
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    context.setJobDescription(
        String.format(Locale.ROOT, "ato sweep: %d runs into %s", points.size(), output));
    LOG.info("ato sweep: {} runs ({}) into {}", points.size(), points, output);
    List<SweepRow> rows =
        new ArrayList<>(
            context
                .parallelize(points, points.size())
                .map(new SweepTask(run, output, checkpoints, files))
                .collect());
    rows.sort(
        Comparator.comparingDouble(SweepRow::flopsKept)
            .thenComparingLong(row -> row.point().seed()));
    SweepResult result = new SweepResult(rows, higherIsBetter);
    files.writeText(HadoopFiles.resolve(output, SweepResult.TABLE), result.markdownTable());
    files.writeText(HadoopFiles.resolve(output, SweepResult.CSV), result.csv());
    ParetoChart.write(result, files, HadoopFiles.resolve(output, SweepResult.CHART));
    LOG.info("ato sweep done: {} runs, {} on the Pareto front", rows.size(), result.front().size());
    return result;
  }

  /** Builds an {@link AtoSweep}, in DJL's builder style. */
  public static final class Builder {
    private SweepRun run;
    private double[] reductions;
    private long[] seeds = {42};
    private String output;
    private String checkpoints;
    private boolean higherIsBetter = true;

    private Builder() {}

    /** What each point trains: the builder with model, data and shared settings. */
    public Builder setRun(SweepRun run) {
      checkArgument(run != null, "the run must not be null");
      this.run = run;
      return this;
    }

    /** The FLOPs reductions to run, each in (0, 1). */
    public Builder setReductions(double... reductions) {
      checkArgument(
          reductions != null && reductions.length > 0, "give at least one FLOPs reduction");
      for (double reduction : reductions) {
        checkArgument(
            reduction > 0 && reduction < 1,
            "a FLOPs reduction is a share in (0, 1), such as 0.5 for half the FLOPs; got %s",
            reduction);
      }
      // Each point's directory is named by its reduction to three decimals.
      checkArgument(
          Arrays.stream(reductions).mapToObj(r -> new SweepPoint(r, 0).name()).distinct().count()
              == reductions.length,
          "the reductions %s repeat one to three decimals; give each once",
          Arrays.toString(reductions));
      this.reductions = reductions.clone();
      return this;
    }

    /** The seeds each reduction runs with (default: 42 alone). */
    public Builder optSeeds(long... seeds) {
      checkArgument(seeds != null && seeds.length > 0, "give at least one seed");
      checkArgument(
          Arrays.stream(seeds).distinct().count() == seeds.length,
          "the seeds %s repeat one; give each once",
          Arrays.toString(seeds));
      this.seeds = seeds.clone();
      return this;
    }

    /**
     * Where the runs' networks and reports, and the sweep's table and chart, go: a directory as a
     * local path (which every executor must reach, such as a shared mount) or a Hadoop file
     * system's URI.
     */
    public Builder setOutput(String output) {
      checkArgument(
          output != null && !output.isBlank(), "the output must be a directory path or URI");
      this.output = output;
      return this;
    }

    /**
     * The local directory under which each run writes its checkpoints ({@code <dir>/<point>}), a
     * shared mount for retries on other machines to resume. Default: {@code
     * <output>/checkpoints/<point>} for a local output, else the executor's temporary directory (a
     * retry on another machine then starts the run over). A finished run's checkpoints are deleted.
     */
    public Builder optCheckpoints(String directory) {
      checkArgument(
          directory != null && !directory.isBlank(), "the checkpoint directory must be a path");
      this.checkpoints = directory;
      return this;
    }

    /**
     * Whether a larger validation metric is better (default true: accuracy); false for a loss. It
     * decides which runs the Pareto front holds.
     */
    public Builder optHigherIsBetter(boolean higherIsBetter) {
      this.higherIsBetter = higherIsBetter;
      return this;
    }

    /**
     * The sweep.
     *
     * @throws IllegalStateException when the run, the reductions or the output is missing
     */
    public AtoSweep build() {
      checkState(run != null, "set the run (setRun) before build()");
      checkState(reductions != null, "set the FLOPs reductions (setReductions) before build()");
      checkState(output != null, "set the output (setOutput) before build()");
      return new AtoSweep(this);
    }
  }
}
