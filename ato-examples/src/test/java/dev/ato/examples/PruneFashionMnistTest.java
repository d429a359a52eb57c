package dev.ato.examples;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import dev.ato.djl.subnet.CompressedModel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class PruneFashionMnistTest {

  @Test
  void aShortRunPrintsTheResultAndSavesALoadableNetwork(@TempDir Path directory) {
    StringWriter out = new StringWriter();
    CommandLine cli = PruneFashionMnist.commandLine();
    cli.setOut(new PrintWriter(out));

    int code = cli.execute("--train-limit", "600", "--test-limit", "250", "--epochs", "2",
        "--reduction", "0.3", "--output", directory.toString());

    assertThat(code).isZero();
    assertThat(out.toString()).contains("FLOPs ", "Accuracy masked", "compressed network saved");
    try (NDManager manager = NDManager.newBaseManager();
        CompressedModel loaded = CompressedModel.load(directory, manager)) {
      assertThat(loaded.cost().flops()).isPositive();
    }
  }

  @Test
  void anImpossibleReductionIsOneLineOnStandardError() {
    StringWriter err = new StringWriter();
    CommandLine cli = PruneFashionMnist.commandLine();
    cli.setErr(new PrintWriter(err));

    int code = cli.execute("--reduction", "1.5", "--train-limit", "100");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).startsWith("error: a FLOPs reduction must lie in (0, 1)");
  }
}
