package dev.ato.examples;

import picocli.CommandLine;

/** What every example's command line shares. */
final class Commands {

  private Commands() {}

  /**
   * Enum values in any case, and a bad value (an impossible reduction, a missing data file)
   * reported as one line on stderr with exit code 2 instead of a stack trace.
   */
  static CommandLine configure(CommandLine cli) {
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExecutionExceptionHandler((e, line, parsed) -> {
      if (e instanceof IllegalArgumentException || e instanceof IllegalStateException
          || e instanceof java.io.IOException) {
        line.getErr().println("error: " + e.getMessage());
        return 2;
      }
      throw e;
    });
    return cli;
  }
}
