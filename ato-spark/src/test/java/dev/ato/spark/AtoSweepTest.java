package dev.ato.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.types.Shape;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import dev.ato.djl.AtoResult;
import dev.ato.djl.AutoTrainOnce;
import dev.ato.djl.testing.CifarNetworks;
import dev.ato.djl.testing.FashionMnistSlices;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.apache.spark.TaskContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Budget sweeps on a local Spark of two task slots: tiny ATO runs (a CIFAR ResNet-8 on 240
 * Fashion-MNIST images, three epochs, the builder's defaults otherwise) as Spark tasks.
 */
class AtoSweepTest {

  @TempDir Path directory;

  /**
   * The README's run, shrunk: only what the builder requires, plus validation data; the sweep sets
   * the reduction and the seed.
   */
  private static final SweepRun TINY =
      point ->
          AutoTrainOnce.builder()
              .setBlock(CifarNetworks.resNet(8, 10))
              .setInputShape(new Shape(1, 1, 28, 28))
              .setTrainingData(FashionMnistSlices.train(240, 20))
              .optValidationData(FashionMnistSlices.test(200))
              .setEpochs(3);

  @Test
  void aSweepGivesTheFiguresOfTheSameRunsOneAfterAnother() throws Exception {
    Path output = directory.resolve("sweep");

    SweepResult result =
        AtoSweep.builder()
            .setRun(TINY)
            .setReductions(0.3, 0.5)
            .setOutput(output.toString())
            .build()
            .run(LocalSpark.session());

    assertThat(result.rows()).hasSize(2);
    for (SweepRow row : result.rows()) {
      try (AtoResult alone = runAlone(TINY, row.point())) {
        assertThat(row.flopsAfter()).isEqualTo(alone.flopsAfter());
        assertThat(row.parametersAfter()).isEqualTo(alone.parametersAfter());
        assertThat(row.value()).isEqualTo(alone.compressedMetric());
      }
    }
  }

  @Test
  void aSweepWritesEachRunsNetworkAndReportAndTheParetoTableAndChart() {
    Path output = directory.resolve("sweep");

    SweepResult result =
        AtoSweep.builder()
            .setRun(TINY)
            .setReductions(0.4)
            .optSeeds(42, 43)
            .setOutput(output.toString())
            .build()
            .run(LocalSpark.session());

    for (SweepPoint point : List.of(new SweepPoint(0.4, 42), new SweepPoint(0.4, 43))) {
      assertThat(output.resolve(point.name()).resolve(SweepTask.REPORT)).isRegularFile();
      assertThat(output.resolve(point.name()).resolve(SweepTask.MODEL).resolve("checksums.sha256"))
          .isRegularFile();
    }
    assertThat(output.resolve(SweepResult.TABLE)).content().contains("| -40.0% | 42 |");
    assertThat(output.resolve(SweepResult.CSV)).content().startsWith("reduction,seed,");
    assertThat(output.resolve(SweepResult.CHART)).isNotEmptyFile();
    assertThat(result.front()).isNotEmpty();
  }

  @Test
  void aRunKilledMidwayIsRetriedAndResumesFromItsCheckpoint() throws Exception {
    Path output = directory.resolve("sweep");
    Path epochs = directory.resolve("epochs.txt");
    // Strings, not paths: the run goes to the executors serialised, and a Path is not serialisable.
    String epochsFile = epochs.toString();
    String killedFile = directory.resolve("killed").toString();
    SweepRun killedOnce =
        point ->
            TINY.prepare(point)
                .addTrainingListeners(new KillAtEpochTwoOnce(epochsFile, killedFile));

    SweepResult result =
        AtoSweep.builder()
            .setRun(killedOnce)
            .setReductions(0.5)
            .setOutput(output.toString())
            .build()
            .run(LocalSpark.session());

    // Killed at the end of epoch 2, before its checkpoint: the retry resumes from epoch 1's and
    // trains epochs 2 and 3 only (a run started over would train three).
    assertThat(Files.readAllLines(epochs))
        .containsExactly("attempt 0", "attempt 0", "attempt 1", "attempt 1");
    try (AtoResult alone = runAlone(TINY, new SweepPoint(0.5, 42))) {
      SweepRow row = result.rows().get(0);
      assertThat(row.flopsAfter()).isEqualTo(alone.flopsAfter());
      assertThat(row.value()).isEqualTo(alone.compressedMetric());
    }
  }

  @Test
  void aReductionOutsideZeroToOneIsRefusedNamingIt() {
    assertThatThrownBy(() -> AtoSweep.builder().setReductions(0.5, 50))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "a FLOPs reduction is a share in (0, 1), such as 0.5 for half the FLOPs; got 50.0");
  }

  /**
   * The run at {@code point} in this JVM, without Spark or checkpoints, with libtorch on one thread
   * as each of local[2]'s tasks (spark.task.cpus = 1): a batch norm's sums, for one, are split
   * between threads, and another count of threads adds them in another order.
   */
  private static AtoResult runAlone(SweepRun run, SweepPoint point) throws Exception {
    return LibtorchThreads.call(
        1,
        () -> {
          try (AutoTrainOnce ato =
              run.prepare(point)
                  .setFlopsReduction(point.reduction())
                  .optSeed(point.seed())
                  .build()) {
            return ato.fit();
          }
        });
  }

  /**
   * Writes the task attempt of each epoch's end to a file, and fails the run at the end of its
   * second epoch the first time.
   */
  private static final class KillAtEpochTwoOnce extends TrainingListenerAdapter {
    private final Path epochs;
    private final Path killed;
    private int epochsSeen;

    KillAtEpochTwoOnce(String epochs, String killed) {
      this.epochs = Path.of(epochs);
      this.killed = Path.of(killed);
    }

    @Override
    public void onEpoch(Trainer trainer) {
      epochsSeen++;
      try {
        Files.writeString(
            epochs,
            "attempt " + TaskContext.get().attemptNumber() + "\n",
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
        if (epochsSeen == 2 && !Files.exists(killed)) {
          Files.createFile(killed);
          throw new IllegalStateException("killed at the end of epoch 2");
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
