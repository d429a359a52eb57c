package dev.ato.examples;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One run of the {@code ato} command line in this JVM, with what it printed. */
final class CommandRun {

  final int code;
  final String out;
  final String err;

  private CommandRun(int code, String out, String err) {
    this.code = code;
    this.out = out;
    this.err = err;
  }

  /** Runs {@code ato args...}; the progress bar, if any, goes to the JVM's stderr. */
  static CommandRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Ato.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new CommandRun(code, out.toString(), err.toString());
  }
}
