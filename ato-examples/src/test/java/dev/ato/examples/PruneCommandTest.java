package dev.ato.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.google.gson.Gson;
import dev.ato.config.AtoConfig;
import dev.ato.examples.report.ReportCharts;
import dev.ato.examples.report.RunReport;
import dev.ato.examples.testing.DataFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ato resnet} and {@code ato mobilenetv2} end to end on real files: Debian's Fashion-MNIST,
 * CIFAR-format files and an image folder written by the test, each leaving the compressed network,
 * report.json, the charts and report.html.
 */
class PruneCommandTest {

  @TempDir Path temp;

  /** What a finished run must have left in {@code output}, and its report as a map. */
  private static Map<?, ?> assertFinished(CommandRun run, Path output) throws IOException {
    assertThat(run.code).as("exit code; stderr: %s", run.err).isZero();
    assertThat(output.resolve(PruneCommand.MODEL_DIRECTORY).resolve("architecture.json"))
        .isRegularFile();
    assertThat(output.resolve(PruneCommand.SERVING_DIRECTORY).resolve("architecture.json"))
        .isRegularFile();
    assertThat(
            ModelProto.parseFrom(Files.readAllBytes(output.resolve(PruneCommand.ONNX_FILE)))
                .getGraph()
                .getNodeCount())
        .isPositive();
    for (String chart : ReportCharts.ALL) {
      assertThat(output.resolve(chart)).isRegularFile();
      assertThat(Files.readAllBytes(output.resolve(chart))).startsWith(0x89, 'P', 'N', 'G');
    }
    assertThat(Files.readString(output.resolve("report.html"))).contains("<img src=\"flops.png\"");
    try (Stream<Path> siblings = Files.list(output.getParent())) {
      assertThat(siblings.map(p -> p.getFileName().toString()))
          .noneMatch(name -> name.contains(".partial-") || name.contains(".previous-"));
    }
    assertThat(run.out).contains("report: " + output.resolve("report.html"));
    return RunReport.readAsMap(output.resolve(RunReport.FILE_NAME));
  }

  @Test
  void resnetOnFashionMnistWithTheDefaultsLeavesEverythingAPersonWantsToSee() throws IOException {
    Path output = temp.resolve("resnet");

    CommandRun run =
        CommandRun.of(
            "resnet",
            "--depth",
            "8",
            "--train-limit",
            "600",
            "--test-limit",
            "250",
            "--epochs",
            "2",
            "--output",
            output.toString());

    Map<?, ?> report = assertFinished(run, output);
    assertThat(report.get("format")).isEqualTo(RunReport.FORMAT);
    assertThat(report.get("model")).isEqualTo("CIFAR ResNet-8 (width 16)");
    assertThat((List<?>) report.get("epochs")).hasSize(2);
    Map<?, ?> schedule = (Map<?, ?>) report.get("schedule");
    assertThat((List<?>) report.get("steps"))
        .hasSize(((Number) schedule.get("totalSteps")).intValue());
    assertThat((List<?>) report.get("controllerUpdates")).isNotEmpty();
    assertThat((Map<?, ?>) report.get("channels")).isNotEmpty();
    Map<?, ?> scores = (Map<?, ?>) report.get("scores");
    assertThat(((Number) scores.get("reloaded")).doubleValue())
        .isEqualTo(((Number) scores.get("compressed")).doubleValue());
    Map<?, ?> settings = (Map<?, ?>) report.get("settings");
    assertThat(settings.get("augmentation")).isEqualTo("AUTO");
    AtoConfig config = AtoConfig.fromJson(new Gson().toJson(report.get("config")));
    assertThat(config.flopsReduction())
        .isEqualTo(Double.parseDouble(String.valueOf(settings.get("reduction"))));
    assertThat(config.epochs()).isEqualTo(2);
    assertThat(((Map<?, ?>) report.get("environment")).get("ato"))
        .asString()
        .isNotBlank()
        .doesNotContain("${");
    assertThat(run.out)
        .contains("Accuracy of the saved network, loaded back")
        .contains(
            "inference form (batch norms folded; serve this one): "
                + output.resolve("model-inference"))
        .contains("the inference form as ONNX (opset 13): " + output.resolve("model.onnx"))
        .contains("channel rounding: multiples of ");
    assertThat(((Number) scores.get("served")).doubleValue())
        .isCloseTo(((Number) scores.get("reloaded")).doubleValue(), within(0.01));
    assertThat(((Number) scores.get("onnx")).doubleValue())
        .isCloseTo(((Number) scores.get("reloaded")).doubleValue(), within(0.01));
    Map<?, ?> artifacts = (Map<?, ?>) report.get("artifacts");
    assertThat(artifacts.get("serving")).isEqualTo("model-inference/");
    assertThat(artifacts.get("onnx")).isEqualTo("model.onnx");
    assertThat(artifacts.get("trainable")).isEqualTo("model/");
  }

  @Test
  void theReportTimesTheDenseAndTheCompressedNetworksInBothRuntimesAtBothBatches()
      throws IOException {
    Path output = temp.resolve("timed");

    CommandRun run =
        CommandRun.of(
            "resnet",
            "--depth",
            "8",
            "--train-limit",
            "300",
            "--test-limit",
            "100",
            "--epochs",
            "1",
            "--batch",
            "16",
            "--channel-multiple",
            "1",
            "--no-progress",
            "--output",
            output.toString());

    Map<?, ?> report = assertFinished(run, output);
    List<?> latency = (List<?>) report.get("latency");
    assertThat(latency)
        .extracting(
            f ->
                ((Map<?, ?>) f).get("runtime")
                    + " "
                    + ((Map<?, ?>) f).get("network")
                    + " "
                    + ((Number) ((Map<?, ?>) f).get("batch")).intValue())
        .containsExactly(
            "DJL dense 1",
            "DJL compressed, trainable form 1",
            "DJL compressed, inference form 1",
            "DJL dense 16",
            "DJL compressed, trainable form 16",
            "DJL compressed, inference form 16",
            "ONNX Runtime dense 1",
            "ONNX Runtime compressed, inference form (model.onnx) 1",
            "ONNX Runtime dense 16",
            "ONNX Runtime compressed, inference form (model.onnx) 16");
    assertThat(latency)
        .allSatisfy(
            f -> {
              Map<?, ?> figure = (Map<?, ?>) f;
              assertThat(((Number) figure.get("milliseconds")).doubleValue()).isPositive();
              assertThat(((Number) figure.get("passes")).intValue()).isGreaterThanOrEqualTo(5);
            });
    assertThat(((Map<?, ?>) report.get("cost")).get("budget"))
        .asString()
        .endsWith("channels not rounded");
    assertThat(Files.readString(output.resolve("report.html")))
        .contains("What pruning bought in time")
        .contains("href=\"model.onnx\"");
  }

  @Test
  void mobilenetv2OnFashionMnist() throws IOException {
    Path output = temp.resolve("mobilenetv2");

    CommandRun run =
        CommandRun.of(
            "mobilenetv2",
            "--width-multiplier",
            "0.35",
            "--train-limit",
            "400",
            "--test-limit",
            "200",
            "--epochs",
            "1",
            "--batch",
            "32",
            "--no-progress",
            "--output",
            output.toString());

    assertThat(assertFinished(run, output).get("model"))
        .isEqualTo("CIFAR MobileNetV2 (width 0.35)");
  }

  @Test
  void resnetOnCifar10Files() throws IOException {
    Path data = DataFiles.cifar10(temp.resolve("cifar10"), 40, 10);
    Path output = temp.resolve("out");

    CommandRun run =
        CommandRun.of(
            "resnet",
            "--depth",
            "8",
            "--width",
            "8",
            "--data",
            data.toString(),
            "--epochs",
            "2",
            "--batch",
            "32",
            "--no-progress",
            "--output",
            output.toString());

    Map<?, ?> report = assertFinished(run, output);
    assertThat(report.get("data")).asString().contains("CIFAR-10");
  }

  @Test
  void mobilenetv2OnCifar100Files() throws IOException {
    Path data = DataFiles.cifar100(temp.resolve("cifar100"), 200, 50, 100);
    Path output = temp.resolve("out");

    CommandRun run =
        CommandRun.of(
            "mobilenetv2",
            "--width-multiplier",
            "0.35",
            "--data",
            data.toString(),
            "--epochs",
            "1",
            "--batch",
            "32",
            "--no-progress",
            "--output",
            output.toString());

    Map<?, ?> report = assertFinished(run, output);
    assertThat(report.get("data")).asString().contains("CIFAR-100");
  }

  @Test
  void resnetOnAnImageFolderUsesDjlsResNetV1() throws IOException {
    Path data = DataFiles.imageFolder(temp.resolve("folder"), 3, 12, 40);
    Path output = temp.resolve("out");

    CommandRun run =
        CommandRun.of(
            "resnet",
            "--depth",
            "18",
            "--image-size",
            "32",
            "--data",
            data.toString(),
            "--epochs",
            "2",
            "--batch",
            "8",
            "--no-progress",
            "--output",
            output.toString());

    assertThat(assertFinished(run, output).get("model")).isEqualTo("DJL ResNetV1-18");
  }

  @Test
  void mobilenetv2OnAnImageFolderUsesDjlsMobileNetV2() throws IOException {
    Path data = DataFiles.imageFolder(temp.resolve("folder"), 3, 12, 40);
    Path output = temp.resolve("out");

    CommandRun run =
        CommandRun.of(
            "mobilenetv2",
            "--width-multiplier",
            "0.35",
            "--image-size",
            "32",
            "--data",
            data.toString(),
            "--epochs",
            "2",
            "--batch",
            "8",
            "--no-progress",
            "--output",
            output.toString());

    assertThat(assertFinished(run, output).get("model")).isEqualTo("DJL MobileNetV2 (width 0.35)");
  }

  @Test
  void aSecondRunReplacesTheFirstRunsReport() throws IOException {
    Path data = DataFiles.cifar10(temp.resolve("cifar10"), 20, 10);
    Path output = temp.resolve("out");
    String[] args = {
      "resnet",
      "--depth",
      "8",
      "--width",
      "4",
      "--data",
      data.toString(),
      "--epochs",
      "1",
      "--batch",
      "25",
      "--no-progress",
      "--output",
      output.toString()
    };
    assertThat(CommandRun.of(args).code).isZero();
    Files.writeString(output.resolve("marker"), "first run");

    CommandRun second = CommandRun.of(args);

    assertFinished(second, output);
    assertThat(output.resolve("marker")).doesNotExist();
  }
}
