package dev.ato.examples;

import ai.djl.engine.EngineException;
import ai.djl.training.dataset.Dataset;
import dev.ato.djl.FlopsTargetMissedException;
import dev.ato.examples.data.FashionMnist;
import dev.ato.examples.data.IdxImageDataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/** What every example's command line shares. */
final class Commands {

  private Commands() {}

  /** The first {@code limit} normalised Fashion-MNIST training images, shuffled in batches. */
  static IdxImageDataset fashionMnistTrain(int limit, int batch) throws IOException {
    return FashionMnist.builder(Dataset.Usage.TRAIN)
        .optLimit(limit)
        .optNormalization(FashionMnist.MEAN, FashionMnist.STD)
        .setSampling(batch, true)
        .build();
  }

  /** The first {@code limit} normalised Fashion-MNIST test images, in batches of 250. */
  static IdxImageDataset fashionMnistTest(int limit) throws IOException {
    return FashionMnist.builder(Dataset.Usage.TEST)
        .optLimit(limit)
        .optNormalization(FashionMnist.MEAN, FashionMnist.STD)
        .setSampling(250, false)
        .build();
  }

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
