package dev.ato.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ato.examples.bench.Benchmarks;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Picocli formats every help text with {@link String#format}: a bare '%' makes it warn on the
 * standard error and print the raw text.
 */
class UsageTextTest {

  @Test
  void everyHelpOfTheAtoCommandPrintsWithoutWarnings() {
    assertThat(warningsOfHelp(Ato.commandLine())).isEmpty();
  }

  @Test
  void everyHelpOfTheBenchmarkCommandPrintsWithoutWarnings() {
    assertThat(warningsOfHelp(new CommandLine(Benchmarks.class))).isEmpty();
  }

  /** What picocli writes to the standard error while it renders each command's help. */
  private static String warningsOfHelp(CommandLine command) {
    PrintStream standardError = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      renderAll(command);
    } finally {
      System.setErr(standardError);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }

  private static void renderAll(CommandLine command) {
    assertThat(command.getUsageMessage()).isNotBlank();
    for (CommandLine sub : command.getSubcommands().values()) {
      if (sub.getParent() == command) {
        renderAll(sub);
      }
    }
  }
}
