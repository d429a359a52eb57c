package dev.ato.djl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ato.djl.testing.CheckpointedRun;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run in a real child process, killed with {@code kill -9} at a random step after its first
 * checkpoint and started again, ends with the same mask and metrics as a run never killed.
 */
class AutoTrainOnceKillTest {

  private static final int EPOCHS = 3;
  private static final long TOTAL_STEPS = (long) EPOCHS * CheckpointedRun.STEPS_PER_EPOCH;

  @Test
  void aRunKilledAtARandomStepAndStartedAgainEndsAsOneNeverKilled(@TempDir Path directory)
      throws Exception {
    String expected;
    try (AtoResult uninterrupted =
        CheckpointedRun.run(directory.resolve("uninterrupted"), EPOCHS, 42, new AtoListener() {})) {
      expected = CheckpointedRun.figures(uninterrupted);
    }
    long seed = System.nanoTime();
    long killAt =
        (long) CheckpointedRun.STEPS_PER_EPOCH
            + new Random(seed).nextInt((int) (TOTAL_STEPS - CheckpointedRun.STEPS_PER_EPOCH - 1L));
    String why = "killed at step " + killAt + " (random seed " + seed + ")";
    Path checkpoints = directory.resolve("checkpoints");
    Path figures = directory.resolve("figures.txt");

    Process first = child(checkpoints, figures, directory.resolve("first.log"));
    List<Long> firstSteps = readSteps(first, killAt);
    first.destroyForcibly();
    assertThat(first.waitFor(60, TimeUnit.SECONDS)).as(why).isTrue();
    assertThat(firstSteps)
        .as(why + "; child log: %s", log(directory.resolve("first.log")))
        .contains(killAt);
    assertThat(figures).as(why).doesNotExist();

    Process second = child(checkpoints, figures, directory.resolve("second.log"));
    List<Long> secondSteps = readSteps(second, Long.MAX_VALUE);
    assertThat(second.waitFor(300, TimeUnit.SECONDS)).as(why).isTrue();
    assertThat(second.exitValue())
        .as(why + "; child log: %s", log(directory.resolve("second.log")))
        .isZero();

    // It went on from the start of an epoch after the first checkpoint, not from step 0.
    assertThat(secondSteps).as(why).isNotEmpty();
    assertThat(secondSteps.get(0) % CheckpointedRun.STEPS_PER_EPOCH).as(why).isZero();
    assertThat(secondSteps.get(0))
        .as(why)
        .isBetween((long) CheckpointedRun.STEPS_PER_EPOCH, killAt + 1);
    assertThat(Files.readString(figures)).as(why).isEqualTo(expected);
    try (Stream<Path> left = Files.list(checkpoints)) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .as(why)
          .containsExactly("epoch-0002", "epoch-0003");
    }
  }

  /** Starts {@link CheckpointedRun#main} in a JVM of its own, as this one was started. */
  private static Process child(Path checkpoints, Path figures, Path log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    for (String property :
        List.of(
            "ai.djl.offline", "ai.djl.default_engine", "org.slf4j.simpleLogger.defaultLogLevel")) {
      String value = System.getProperty(property);
      if (value != null) {
        command.add("-D" + property + "=" + value);
      }
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(CheckpointedRun.class.getName());
    command.add(checkpoints.toString());
    command.add(figures.toString());
    command.add(Integer.toString(EPOCHS));
    return new ProcessBuilder(command).redirectError(log.toFile()).start();
  }

  /** The steps the child prints, read until it prints {@code last} or ends. */
  private static List<Long> readSteps(Process process, long last) throws IOException {
    List<Long> steps = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.startsWith("step ")) {
          steps.add(Long.parseLong(line.substring(5).trim()));
          if (steps.get(steps.size() - 1) == last) {
            break;
          }
        }
      }
    }
    return steps;
  }

  private static String log(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file) : "(none)";
  }
}
