package dev.ato.examples;

import ai.djl.training.dataset.Dataset;
import dev.ato.examples.data.FashionMnist;
import dev.ato.examples.data.IdxImageDataset;
import java.io.IOException;
import picocli.CommandLine;

/** What every example's command line shares. */
final class Commands {

  private Commands() {}

  /**
   * Enum values in any case, and a bad value (an impossible reduction, a missing data file)
   * reported as one line on stderr with exit code 2 instead of a stack trace.
   */
  /** The first {@code limit} normalised Fashion-MNIST training images, shuffled in batches. */
  static IdxImageDataset fashionMnistTrain(int limit, int batch) throws IOException {
    return FashionMnist.builder(Dataset.Usage.TRAIN).optLimit(limit)
        .optNormalization(FashionMnist.MEAN, FashionMnist.STD).setSampling(batch, true).build();
  }

  /** The first {@code limit} normalised Fashion-MNIST test images, in batches of 250. */
  static IdxImageDataset fashionMnistTest(int limit) throws IOException {
    return FashionMnist.builder(Dataset.Usage.TEST).optLimit(limit)
        .optNormalization(FashionMnist.MEAN, FashionMnist.STD).setSampling(250, false).build();
  }

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
