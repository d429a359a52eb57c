package dev.ato.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ato.djl.testing.CheckpointedRun;
import dev.ato.storage.Checkpoints;
import dev.ato.storage.Checksums;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints of a run with the builder's defaults: what they hold, that a run resumed from one
 * ends exactly as the run that wrote it, and that a checkpoint of another run, a damaged one or an
 * unusable directory is an error and never a silent fresh start.
 */
class AutoTrainOnceCheckpointTest {

  private static final int EPOCHS = 3;

  @TempDir static Path shared;
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
    assertThat(names(uninterrupted.resolve("epoch-0003")))
        .containsExactlyInAnyOrder(
            "state.json",
            "model.arrays",
            "model-optimizer.arrays",
            "controller.arrays",
            "controller-optimizer.arrays",
            "checksums.sha256");
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
    assertThatThrownBy(
            () ->
                CheckpointedRun.run(
                    directory,
                    EPOCHS,
                    42,
                    new AtoListener() {
                      @Override
                      public void onStep(StepInfo step) {
                        if (step.step() == 15) {
                          throw new IllegalStateException("crash at step 15");
                        }
                      }
                    }))
        .hasMessage("crash at step 15");
    assertThat(names(directory)).containsExactly("epoch-0001");

    try (AtoResult resumed = CheckpointedRun.run(directory, EPOCHS, 42, new AtoListener() {})) {
      assertThat(CheckpointedRun.figures(resumed)).isEqualTo(uninterruptedFigures);
    }
  }

  @Test
  void checkpointsWithinEpochsChangeNothingAndARunResumedFromOneEndsTheSame(
      @TempDir Path everyFive, @TempDir Path resumed) throws IOException {
    try (AtoResult run =
        CheckpointedRun.run(
            Checkpoints.in(everyFive).optEverySteps(5).optRetain(20).build(),
            EPOCHS,
            42,
            new AtoListener() {})) {
      assertThat(CheckpointedRun.figures(run)).isEqualTo(uninterruptedFigures);
    }
    // Steps 5, 10, ... within epochs (12 steps each), and the three epochs' own.
    assertThat(names(everyFive))
        .containsExactly(
            "epoch-0000+step-00000005",
            "epoch-0000+step-00000010",
            "epoch-0001",
            "epoch-0001+step-00000015",
            "epoch-0001+step-00000020",
            "epoch-0002",
            "epoch-0002+step-00000025",
            "epoch-0002+step-00000030",
            "epoch-0002+step-00000035",
            "epoch-0003");

    // Step 15: within epoch 2, in the controller window; step 30: after the freeze.
    for (String checkpoint : List.of("epoch-0001+step-00000015", "epoch-0002+step-00000030")) {
      Path directory = Files.createDirectory(resumed.resolve(checkpoint));
      copyTree(everyFive.resolve(checkpoint), directory.resolve(checkpoint));
      List<Long> steps = new ArrayList<>();
      try (AtoResult again = runHearingSteps(directory, steps)) {
        assertThat(steps)
            .first()
            .as(checkpoint)
            .isEqualTo(Long.parseLong(checkpoint.substring(checkpoint.length() - 8)));
        assertThat(CheckpointedRun.figures(again)).as(checkpoint).isEqualTo(uninterruptedFigures);
      }
    }
  }

  @Test
  void aFinishedRunGivesItsResultAgainWithoutTraining(@TempDir Path directory) throws IOException {
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
        .hasMessageContaining("the configuration differs: seed is 7, not 42");
  }

  @Test
  void aTruncatedCheckpointIsAnErrorAndIsLeftInPlace(@TempDir Path directory) throws IOException {
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
        .hasMessageContaining(model + " does not match its checksum");
    assertThat(Files.size(model)).isEqualTo(size / 2);
  }

  @Test
  void aTruncatedArrayFileWithItsChecksumWrittenAgainIsStillAnError(@TempDir Path directory)
      throws IOException {
    Path checkpoint = directory.resolve("epoch-0002");
    copyTree(uninterrupted.resolve("epoch-0002"), checkpoint);
    Path model = checkpoint.resolve("model.arrays");
    try (var channel = Files.newByteChannel(model, StandardOpenOption.WRITE)) {
      channel.truncate(Files.size(model) / 2);
    }
    resign(checkpoint);

    assertThatThrownBy(() -> CheckpointedRun.run(directory, EPOCHS, 42, new AtoListener() {}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the checkpoint " + checkpoint + " cannot be read")
        .hasMessageContaining("damaged or truncated");
  }

  @Test
  void sixtyDamagedCheckpointsAreEachAClearErrorAndNeverAResumedRun(@TempDir Path directory)
      throws IOException {
    assertEveryDamageIsRefused(directory, 60, 1);
  }

  @Test
  @Tag("soak")
  void sixHundredDamagedCheckpointsAreEachAClearErrorAndNeverAResumedRun(@TempDir Path directory)
      throws IOException {
    assertEveryDamageIsRefused(directory, 600, 2);
  }

  /**
   * Resumes from copies of a checkpoint with a byte flipped, a file cut short or deleted: each must
   * fail before a step, with the checkpoint's error.
   */
  private static void assertEveryDamageIsRefused(Path directory, int cases, long seed)
      throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    List<String> wrong = new ArrayList<>();
    Path checkpoint = directory.resolve("epoch-0002");
    for (int i = 0; i < cases; i++) {
      copyTree(uninterrupted.resolve("epoch-0002"), checkpoint);
      List<String> files = names(checkpoint);
      Path file = checkpoint.resolve(files.get(random.nextInt(files.size())));
      String what = damage(file, random);
      try (AtoResult resumed =
          CheckpointedRun.run(
              directory,
              EPOCHS,
              42,
              new AtoListener() {
                @Override
                public void onStep(StepInfo step) {
                  throw new AssertionError(what + ": resumed and trained");
                }
              })) {
        wrong.add(what + ": finished without a word");
      } catch (IllegalStateException e) {
        if (!e.getMessage().startsWith("the checkpoint " + checkpoint + " cannot be read")) {
          wrong.add(what + ": " + e.getMessage());
        }
      } catch (RuntimeException | AssertionError e) {
        wrong.add(what + ": " + e);
      }
      try (Stream<Path> walk = Files.walk(checkpoint)) {
        for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
    assertThat(wrong).isEmpty();
  }

  private static String damage(Path file, SplittableRandom random) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    switch (random.nextInt(3)) {
      case 0 -> {
        int at = random.nextInt(bytes.length);
        int mask = 1 + random.nextInt(255);
        bytes[at] ^= (byte) mask;
        Files.write(file, bytes);
        return "byte " + at + " of " + file.getFileName() + " xor " + mask;
      }
      case 1 -> {
        int size = random.nextInt(bytes.length);
        Files.write(file, Arrays.copyOf(bytes, size));
        return file.getFileName() + " cut to " + size + " bytes";
      }
      default -> {
        Files.delete(file);
        return file.getFileName() + " deleted";
      }
    }
  }

  private static void resign(Path checkpoint) throws IOException {
    Checksums.write(
        checkpoint,
        List.of(
            "model.arrays",
            "model-optimizer.arrays",
            "controller.arrays",
            "controller-optimizer.arrays",
            "state.json"));
  }

  @Test
  void aForeignFileInPlaceOfTheStateIsAnError(@TempDir Path directory) throws IOException {
    Path checkpoint = directory.resolve("epoch-0002");
    copyTree(uninterrupted.resolve("epoch-0002"), checkpoint);
    Files.writeString(checkpoint.resolve("state.json"), "{\"format\": \"something else\"}");
    resign(checkpoint);

    assertThatThrownBy(() -> CheckpointedRun.run(directory, EPOCHS, 42, new AtoListener() {}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("it is not an ato-checkpoint/3 checkpoint");
  }

  @Test
  void aCheckpointDirectoryThatCannotBeMadeFailsBeforeTraining(@TempDir Path directory)
      throws IOException {
    Path file = Files.writeString(directory.resolve("a-file"), "not a directory");

    assertThatThrownBy(
            () ->
                CheckpointedRun.run(
                    file.resolve("checkpoints"),
                    EPOCHS,
                    42,
                    new AtoListener() {
                      @Override
                      public void onStep(StepInfo step) {
                        throw new AssertionError(
                            "trained although the checkpoints cannot be written");
                      }
                    }))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot write checkpoints to " + file.resolve("checkpoints"));
  }

  /** The run with checkpoints in {@code directory}, adding every step it takes to {@code steps}. */
  private static AtoResult runHearingSteps(Path directory, List<Long> steps) throws IOException {
    return CheckpointedRun.run(
        directory,
        EPOCHS,
        42,
        new AtoListener() {
          @Override
          public void onStep(StepInfo step) {
            steps.add(step.step());
          }
        });
  }

  @Test
  void clearDeletesEveryCheckpointAndLeavesOtherFiles(@TempDir Path directory) throws IOException {
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
