package dev.ato.examples;

import ai.djl.engine.EngineException;
import dev.ato.djl.FlopsTargetMissedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/** What every example's command line shares. */
final class Commands {

  private Commands() {}

  /**
   * Enum values in any case, and bad input (an unknown command or option, an impossible reduction,
   * a missing or corrupt data file, an unwritable output directory) reported as one line on stderr
   * with exit code 2 instead of a stack trace or a page of usage.
   */
  static CommandLine configure(CommandLine cli) {
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setParameterExceptionHandler(
        (e, args) -> {
          CommandLine failed = e.getCommandLine();
          failed
              .getErr()
              .println(
                  "error: "
                      + e.getMessage()
                      + " ("
                      + qualifiedName(failed)
                      + " --help lists the options)");
          failed.getErr().flush();
          return 2;
        });
    cli.setExecutionExceptionHandler(
        (e, line, parsed) -> {
          if (e instanceof IllegalArgumentException
              || e instanceof IllegalStateException
              || e instanceof IOException
              || e instanceof UncheckedIOException
              || e instanceof FlopsTargetMissedException
              || e instanceof EngineException) {
            line.getErr().println("error: " + e.getMessage());
            line.getErr().flush();
            return 2;
          }
          throw e;
        });
    return cli;
  }

  private static String qualifiedName(CommandLine command) {
    return command.getParent() == null
        ? command.getCommandName()
        : qualifiedName(command.getParent()) + " " + command.getCommandName();
  }
}
