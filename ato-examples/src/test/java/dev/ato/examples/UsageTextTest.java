package dev.ato.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ato.examples.bench.Benchmarks;
import java.util.ArrayList;
import java.util.IllegalFormatException;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;

/**
 * Every help text picocli prints goes through {@link String#format}: a bare '%' makes it print a
 * warning and the raw text instead.
 */
class UsageTextTest {

  @Test
  void everyOptionOfTheAtoCommandFormatsCleanly() {
    assertThat(unformattable(Ato.commandLine())).isEmpty();
  }

  @Test
  void everyOptionOfTheBenchmarkCommandFormatsCleanly() {
    assertThat(unformattable(new CommandLine(Benchmarks.class))).isEmpty();
  }

  private static List<String> unformattable(CommandLine command) {
    List<String> bad = new ArrayList<>();
    List<String> lines =
        new ArrayList<>(List.of(command.getCommandSpec().usageMessage().description()));
    for (ArgSpec arg : command.getCommandSpec().args()) {
      lines.addAll(List.of(arg.description()));
    }
    for (String line : lines) {
      try {
        assertThat(String.format(Locale.ROOT, line)).isNotNull();
      } catch (IllegalFormatException e) {
        bad.add(command.getCommandName() + ": " + line);
      }
    }
    for (CommandLine sub : command.getSubcommands().values()) {
      if (sub.getParent() == command) {
        bad.addAll(unformattable(sub));
      }
    }
    return bad;
  }
}
