package dev.ato.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ato.djl.testing.CheckpointedRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints of a run with the builder's defaults: what they hold, that a run resumed from one
 * ends exactly as the run that wrote it, and that a checkpoint of another run, a damaged one or
 * an unusable directory is an error and never a silent fresh start.
 */
class AutoTrainOnceCheckpointTest {

  private static final int EPOCHS = 3;

  @TempDir
  static Path shared;
  private static Path uninterrupted;
  private static String uninterruptedFigures;

  @BeforeAll
  static void runOnceUninterrupted() throws IOException {
    uninterrupted = shared.resolve("uninterrupted");
    try (AtoResult result = CheckpointedRun.run(uninterrupted, EPOCHS, 42, new AtoListener() {})) {
      uninterruptedFigures = CheckpointedRun.figures(result);
    }
  }

  @Test
  void aRunKeepsTheLatestTwoCheckpointsAndNothingHalfWritten() throws IOException {
    assertThat(names(uninterrupted)).containsExactly("epoch-0002", "epoch-0003");
    assertThat(names(uninterrupted.resolve("epoch-0003"))).containsExactlyInAnyOrder(
        "state.json", "model.arrays", "model-optimizer.arrays", "controller.arrays",
        "controller-optimizer.arrays");
  }

  @Test
  void theSameSeedGivesTheSameRunAfterOtherWorkInTheJvm(@TempDir Path directory)
      throws IOException {
    try (NDManager other = NDManager.newBaseManager()) {
      other.randomNormal(new Shape(1000)).toFloatArray();
    }
    try (AtoResult again = CheckpointedRun.run(directory, EPOCHS, 42, new AtoListener() {})) {
      assertThat(CheckpointedRun.figures(again)).isEqualTo(uninterruptedFigures);
    }
  }

  @Test
  void aRunResumedAfterItsSecondEpochEndsAsTheUninterruptedOne(@TempDir Path directory)
      throws IOException {
    copyTree(uninterrupted.resolve("epoch-0002"), directory.resolve("epoch-0002"));
    List<Long> steps = new ArrayList<>();

    try (AtoResult resumed = runHearingSteps(directory, steps)) {
      // Only the third epoch was trained again.
      assertThat(steps).first().isEqualTo(2L * CheckpointedRun.STEPS_PER_EPOCH);
      assertThat(steps).hasSize(CheckpointedRun.STEPS_PER_EPOCH);
      assertThat(CheckpointedRun.figures(resumed)).isEqualTo(uninterruptedFigures);
    }
  }

  @Test
  void aRunThatDiesInTheControllerWindowResumesFromItsFirstEpochAndEndsTheSame(
      @TempDir Path directory) throws IOException {
    // Step 15 lies in epoch 2, before the mask freezes at step 18: the controller, its AdamW
    // state and the unfrozen mask come back from the checkpoint of epoch 1.
    assertThatThrownBy(() -> CheckpointedRun.run(directory, EPOCHS, 42, new AtoListener() {
      @Override
      public void onStep(StepInfo step) {
        if (step.step() == 15) {
          throw new IllegalStateException("crash at step 15");
        }
      }
    })).hasMessage("crash at step 15");
    assertThat(names(directory)).containsExactly("epoch-0001");

    try (AtoResult resumed = CheckpointedRun.run(directory, EPOCHS, 42, new AtoListener() {})) {
      assertThat(CheckpointedRun.figures(resumed)).isEqualTo(uninterruptedFigures);
    }
  }

  @Test
  void checkpointsWithinEpochsChangeNothingAndARunResumedFromOneEndsTheSame(
      @TempDir Path everyFive, @TempDir Path resumed) throws IOException {
    try (AtoResult run = CheckpointedRun.run(Checkpoints.in(everyFive).optEverySteps(5)
        .optRetain(20).build(), EPOCHS, 42, new AtoListener() {})) {
      assertThat(CheckpointedRun.figures(run)).isEqualTo(uninterruptedFigures);
    }
    // Steps 5, 10, ... within epochs (12 steps each), and the three epochs' own.
    assertThat(names(everyFive)).containsExactly("epoch-0000+step-00000005",
        "epoch-0000+step-00000010", "epoch-0001", "epoch-0001+step-00000015",
        "epoch-0001+step-00000020", "epoch-0002", "epoch-0002+step-00000025",
        "epoch-0002+step-00000030", "epoch-0002+step-00000035", "epoch-0003");

    // Step 15: within epoch 2, in the controller window; step 30: after the freeze.
    for (String checkpoint : List.of("epoch-0001+step-00000015", "epoch-0002+step-00000030")) {
      Path directory = Files.createDirectory(resumed.resolve(checkpoint));
      copyTree(everyFive.resolve(checkpoint), directory.resolve(checkpoint));
      List<Long> steps = new ArrayList<>();
      try (AtoResult again = runHearingSteps(directory, steps)) {
        assertThat(steps).first().as(checkpoint)
            .isEqualTo(Long.parseLong(checkpoint.substring(checkpoint.length() - 8)));
        assertThat(CheckpointedRun.figures(again)).as(checkpoint)
            .isEqualTo(uninterruptedFigures);
      }
    }
  }

  @Test
  void aFinishedRunGivesItsResultAgainWithoutTraining(@TempDir Path directory)
      throws IOException {
    copyTree(uninterrupted.resolve("epoch-0003"), directory.resolve("epoch-0003"));
    List<Long> steps = new ArrayList<>();

    try (AtoResult again = runHearingSteps(directory, steps)) {
      assertThat(steps).isEmpty();
      assertThat(CheckpointedRun.figures(again)).isEqualTo(uninterruptedFigures);
    }
  }

  @Test
  void aCheckpointOfAnotherSeedIsRefused(@TempDir Path directory) throws IOException {
    copyTree(uninterrupted.resolve("epoch-0002"), directory.resolve("epoch-0002"));

    assertThatThrownBy(() -> CheckpointedRun.run(directory, EPOCHS, 7, new AtoListener() {}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is of another run")
        .hasMessageContaining("the seed is 7, the checkpoint's 42");
  }

  @Test
  void aTruncatedCheckpointIsAnErrorAndIsLeftInPlace(@TempDir Path directory)
      throws IOException {
    Path checkpoint = directory.resolve("epoch-0002");
    copyTree(uninterrupted.resolve("epoch-0002"), checkpoint);
    Path model = checkpoint.resolve("model.arrays");
    long size = Files.size(model);
    try (var channel = Files.newByteChannel(model, StandardOpenOption.WRITE)) {
      channel.truncate(size / 2);
    }

    assertThatThrownBy(() -> CheckpointedRun.run(directory, EPOCHS, 42, new AtoListener() {}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the checkpoint " + checkpoint + " cannot be read")
        .hasMessageContaining("damaged or truncated");
    assertThat(Files.size(model)).isEqualTo(size / 2);
  }

  @Test
  void aForeignFileInPlaceOfTheStateIsAnError(@TempDir Path directory) throws IOException {
    Path checkpoint = directory.resolve("epoch-0002");
    copyTree(uninterrupted.resolve("epoch-0002"), checkpoint);
    Files.writeString(checkpoint.resolve("state.json"), "{\"format\": \"something else\"}");

    assertThatThrownBy(() -> CheckpointedRun.run(directory, EPOCHS, 42, new AtoListener() {}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("it is not an ato-checkpoint/1 checkpoint");
  }

  @Test
  void aCheckpointDirectoryThatCannotBeMadeFailsBeforeTraining(@TempDir Path directory)
      throws IOException {
    Path file = Files.writeString(directory.resolve("a-file"), "not a directory");

    assertThatThrownBy(() -> CheckpointedRun.run(file.resolve("checkpoints"), EPOCHS, 42,
        new AtoListener() {
          @Override
          public void onStep(StepInfo step) {
            throw new AssertionError("trained although the checkpoints cannot be written");
          }
        }))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot write checkpoints to " + file.resolve("checkpoints"));
  }

  /** The run with checkpoints in {@code directory}, adding every step it takes to {@code steps}. */
  private static AtoResult runHearingSteps(Path directory, List<Long> steps) throws IOException {
    return CheckpointedRun.run(directory, EPOCHS, 42, new AtoListener() {
      @Override
      public void onStep(StepInfo step) {
        steps.add(step.step());
      }
    });
  }

  @Test
  void clearDeletesEveryCheckpointAndLeavesOtherFiles(@TempDir Path directory)
      throws IOException {
    copyTree(uninterrupted.resolve("epoch-0002"), directory.resolve("epoch-0002"));
    copyTree(uninterrupted.resolve("epoch-0003"), directory.resolve(".epoch-0004.partial-99"));
    Files.writeString(directory.resolve("notes.txt"), "mine");

    Checkpoints.in(directory).build().clear();

    assertThat(names(directory)).containsExactly("notes.txt");
    Files.delete(directory.resolve("notes.txt"));
    Checkpoints.in(directory).build().clear();
    assertThat(directory).doesNotExist();
  }

  private static List<String> names(Path directory) throws IOException {
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path source : walk.sorted(Comparator.naturalOrder()).toList()) {
        Files.copy(source, to.resolve(from.relativize(source).toString()));
      }
    }
  }
}
