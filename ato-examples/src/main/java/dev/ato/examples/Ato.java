package dev.ato.examples;

import dev.ato.djl.AtoVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ato} command: {@code ato resnet} and {@code ato mobilenetv2} prune a network on real
 * data in one run and leave the compressed network with a report; {@code ato graph} shows what ATO
 * would work with on a known architecture, without training. {@code ato help COMMAND} or {@code ato
 * COMMAND --help} lists each one's options.
 */
@Command(
    name = "ato",
    mixinStandardHelpOptions = true,
    versionProvider = Ato.VersionProvider.class,
    description =
        "Structured pruning with Auto-Train-Once: one training run gives a trained, "
            + "physically smaller network.",
    subcommands = {
      ResNetCommand.class,
      MobileNetV2Command.class,
      GraphCommand.class,
      SparkScoreCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Ato implements Runnable {

  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "name a command: resnet, mobilenetv2 or graph (ato --help lists them)");
  }

  /** The command line, with bad input reported as one line and exit code 2. */
  public static CommandLine commandLine() {
    return Commands.configure(new CommandLine(new Ato()));
  }

  /** Runs a command; exits with its code when it is not 0. */
  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    int code = commandLine().execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** {@code ato --version}: ato's version and DJL's. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "ato " + AtoVersion.current() + " (DJL " + ai.djl.engine.Engine.getDjlVersion() + ")"
      };
    }
  }
}
