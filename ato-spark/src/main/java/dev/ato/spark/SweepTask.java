package dev.ato.spark;

import com.google.common.base.Stopwatch;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.ato.djl.AtoResult;
import dev.ato.djl.AutoTrainOnce;
import dev.ato.storage.Checkpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One point of a sweep, on an executor: its run, with checkpoints, then its network and report
 * under the output. A point already reported is read back, not run again.
 */
final class SweepTask implements Function<SweepPoint, SweepRow> {

  private static final long serialVersionUID = 1L;

  private static final Logger LOG = LoggerFactory.getLogger(SweepTask.class);

  static final String REPORT = "report.json";
  static final String MODEL = "model";

  /**
   * One ATO run at a time in a JVM: a run seeds DJL's random generator, which is one per JVM, at
   * each epoch, and two runs at once would draw from each other's stream.
   */
  private static final ReentrantLock ONE_RUN_AT_A_TIME = new ReentrantLock();

  private static final Gson GSON =
      new GsonBuilder().serializeSpecialFloatingPointValues().setPrettyPrinting().create();

  private final SweepRun run;
  private final String output;
  private final String checkpoints;
  private final HadoopFiles files;

  SweepTask(SweepRun run, String output, String checkpoints, HadoopFiles files) {
    this.run = run;
    this.output = output;
    this.checkpoints = checkpoints;
    this.files = files;
  }

  @Override
  public SweepRow call(SweepPoint point) throws Exception {
    String directory = HadoopFiles.resolve(output, point.name());
    String report = HadoopFiles.resolve(directory, REPORT);
    if (files.exists(report)) {
      LOG.info("{}: reported already in {}; not run again", point.name(), report);
      return GSON.fromJson(files.readText(report), SweepRow.class);
    }
    ONE_RUN_AT_A_TIME.lock();
    try {
      EngineThreads.followTask();
      TaskContext task = TaskContext.get();
      LOG.info(
          "{}: training (attempt {}), libtorch on {} threads",
          point.name(),
          task == null ? 0 : task.attemptNumber(),
          EngineThreads.threads());
      Path checkpointDirectory = checkpointDirectory(point);
      Stopwatch watch = Stopwatch.createStarted();
      Path local = Files.createTempDirectory("ato-sweep-" + point.name());
      try (AutoTrainOnce ato =
              run.prepare(point)
                  .setFlopsReduction(point.reduction())
                  .optSeed(point.seed())
                  .optCheckpoints(Checkpoints.in(checkpointDirectory).build())
                  .build();
          AtoResult result = ato.fit()) {
        result.compressed().save(local.resolve(MODEL));
        files.copyFromLocal(local.resolve(MODEL), HadoopFiles.resolve(directory, MODEL));
        SweepRow row =
            new SweepRow(
                point,
                result.flopsBefore(),
                result.flopsAfter(),
                result.parametersBefore(),
                result.parametersAfter(),
                result.metric(),
                result.compressedMetric(),
                result.targetMet(),
                watch.elapsed(TimeUnit.MILLISECONDS) / 1e3);
        // Last: a report marks the point done.
        files.writeText(report, GSON.toJson(row));
        LOG.info("{}: done, {}", point.name(), result.summary());
        HadoopFiles.deleteQuietly(checkpointDirectory);
        return row;
      } finally {
        HadoopFiles.deleteQuietly(local);
      }
    } finally {
      ONE_RUN_AT_A_TIME.unlock();
    }
  }

  /**
   * The run's checkpoints: {@code <dir>/<point>} for the option's directory, else {@code
   * <output>/checkpoints/<point>} for a local output, else under the temporary directory.
   */
  private Path checkpointDirectory(SweepPoint point) throws IOException {
    Path root;
    if (checkpoints != null) {
      root = Paths.get(checkpoints);
    } else if (HadoopFiles.isLocal(output)) {
      root = Paths.get(HadoopFiles.uri(output)).resolve("checkpoints");
    } else {
      root =
          Paths.get(System.getProperty("java.io.tmpdir"))
              .resolve("ato-sweep-checkpoints")
              .resolve(Integer.toHexString(output.hashCode()));
    }
    return Files.createDirectories(root.resolve(point.name()));
  }
}
