package dev.ato.djl.export;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.ato.djl.graph.ModelReader;
import dev.ato.djl.subnet.CompressedModel;
import dev.ato.djl.testing.CifarNetworks;
import dev.ato.djl.testing.ManagedTest;
import dev.ato.djl.testing.PrunedModels;
import dev.ato.djl.testing.TestModels;
import dev.ato.groups.GroupOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference ONNX checker ({@code onnx.checker.check_model} with {@code full_check}, which runs
 * ONNX's shape inference too) accepts what ato exports: both forms of compressed networks, a dense
 * one, pooling that rounds up and every element-wise function. It runs in Debian's {@code
 * python3-onnx}, which CI installs ({@code .ci/run}).
 */
class OnnxCheckerTest extends ManagedTest {

  private static final String PYTHON = "/usr/bin/python3";
  private static final String CHECK =
      """
      import sys, onnx
      for path in sys.argv[1:]:
          model = onnx.load(path)
          onnx.checker.check_model(model, full_check=True)
          print('accepted', path)""";

  @TempDir Path directory;

  @Test
  void theCheckerAcceptsCompressedDenseAndUnusualNetworks() throws Exception {
    List<Path> files = new ArrayList<>();
    CompressedModel resnet =
        PrunedModels.randomlyPruned(
            CifarNetworks.resNet(20, 10), new Shape(2, 1, 28, 28), 1, manager);
    files.add(save("resnet20-trainable", OnnxExport.of(resnet)));
    try (CompressedModel inference = resnet.forInference()) {
      files.add(save("resnet20-inference", OnnxExport.of(inference)));
    }
    CompressedModel mobilenet =
        PrunedModels.randomlyPruned(
            CifarNetworks.mobileNetV2(10, 0.35),
            new Shape(2, 3, 32, 32),
            2,
            GroupOptions.builder().optPruneResidualStreams(true).build(),
            manager);
    try (CompressedModel inference = mobilenet.forInference()) {
      files.add(save("mobilenetv2-inference", OnnxExport.of(inference)));
    }
    Shape pools = new Shape(2, 3, 8, 8);
    files.add(
        save(
            "pools-rounding-up",
            OnnxExport.of(
                ModelReader.read(
                    TestModels.initialise(TestModels.ceilPoolCnn(5), manager, pools),
                    pools,
                    "pools"))));
    Shape input = new Shape(2, 3, 8, 8);
    for (var function : TestModels.elementWiseFunctions().entrySet()) {
      Block net = TestModels.convolutionThen(function.getValue().get());
      files.add(
          save(
              function.getKey().replace(' ', '-'),
              OnnxExport.of(
                  ModelReader.read(
                      TestModels.initialise(net, manager, input), input, "function"))));
    }

    List<String> command = new ArrayList<>(List.of(PYTHON, "-c", CHECK));
    files.forEach(f -> command.add(f.toString()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int code = process.waitFor();

    assertThat(output)
        .as("the ONNX checker (Debian's python3-onnx: apt-get install " + "python3-onnx) said")
        .doesNotContain("No module named");
    assertThat(code).as(output).isZero();
    assertThat(output.lines()).hasSize(files.size()).allMatch(l -> l.startsWith("accepted "));
  }

  private Path save(String name, OnnxExport export) throws IOException {
    Path file = directory.resolve(name + ".onnx");
    export.save(file);
    assertThat(Files.size(file)).isPositive();
    return file;
  }
}
