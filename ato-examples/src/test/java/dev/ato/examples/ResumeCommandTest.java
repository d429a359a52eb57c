package dev.ato.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ato.examples.report.RunReport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ato resnet} killed with {@code kill -9} after its first checkpoint, and run again with the
 * same command, finishes with the report of a run never killed: the same epochs, controller
 * updates, FLOPs and scores, random crops included.
 */
class ResumeCommandTest {

  private static final List<String> COMMAND =
      List.of(
          "resnet",
          "--depth",
          "8",
          "--train-limit",
          "600",
          "--test-limit",
          "250",
          "--epochs",
          "3",
          "--augmentation",
          "crop",
          "--no-progress");

  @TempDir Path temp;

  @Test
  void aKilledRunStartedAgainEndsWithTheReportOfOneNeverKilled() throws Exception {
    Path uninterrupted = temp.resolve("uninterrupted");
    CommandRun whole = CommandRun.of(args(uninterrupted));
    assertThat(whole.code).as("stderr: %s", whole.err).isZero();
    // A finished run leaves its report, not its checkpoints.
    assertThat(temp.resolve("uninterrupted-checkpoints")).doesNotExist();

    Path resumed = temp.resolve("resumed");
    Process child = new ProcessBuilder(childCommand(resumed)).redirectErrorStream(true).start();
    List<String> lines = readUntil(child, "checkpoint of epoch 1 ");
    child.destroyForcibly();
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(lines).as("the child's output").anyMatch(l -> l.contains("checkpoint of epoch 1 "));
    assertThat(resumed).doesNotExist();
    assertThat(temp.resolve("resumed-checkpoints").resolve("epoch-0001")).isDirectory();

    CommandRun again = CommandRun.of(args(resumed));
    assertThat(again.code).as("stderr: %s", again.err).isZero();

    Map<?, ?> expected = RunReport.readAsMap(uninterrupted.resolve(RunReport.FILE_NAME));
    Map<?, ?> actual = RunReport.readAsMap(resumed.resolve(RunReport.FILE_NAME));
    assertThat(withoutClock(actual.get("epochs"))).isEqualTo(withoutClock(expected.get("epochs")));
    for (String figure : List.of("controllerUpdates", "cost", "scores", "channels")) {
      assertThat(actual.get(figure)).as(figure).isEqualTo(expected.get(figure));
    }
    assertThat(temp.resolve("resumed-checkpoints")).doesNotExist();
  }

  private String[] args(Path output) {
    List<String> args = new ArrayList<>(COMMAND);
    args.add("--output");
    args.add(output.toString());
    return args.toArray(new String[0]);
  }

  private List<String> childCommand(Path output) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-Dai.djl.offline=true");
    command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Ato.class.getName());
    command.addAll(List.of(args(output)));
    return command;
  }

  /** The child's lines up to the first that contains {@code marker}, or all if none does. */
  private static List<String> readUntil(Process process, String marker) throws IOException {
    List<String> lines = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        lines.add(line);
        if (line.contains(marker)) {
          break;
        }
      }
    }
    return lines;
  }

  /** Each epoch's figures without its wall time. */
  private static List<Map<?, ?>> withoutClock(Object epochs) {
    List<Map<?, ?>> figures = new ArrayList<>();
    for (Object epoch : (List<?>) epochs) {
      Map<Object, Object> copy = new LinkedHashMap<>((Map<?, ?>) epoch);
      copy.remove("seconds");
      figures.add(copy);
    }
    return figures;
  }
}
