package dev.ato.examples;

import picocli.CommandLine.Option;

/**
 * Training options that several commands share, as picocli mixins, each declared once: a command
 * takes the ones it uses, with its own defaults, e.g. {@code @Mixin TrainingOptions.Length length =
 * new TrainingOptions.Length(12, 64);}.
 */
public final class TrainingOptions {

  private TrainingOptions() {}

  /** {@code --epochs} and {@code --batch}. */
  public static final class Length {
    @Option(names = "--epochs", description = "Training epochs (default ${DEFAULT-VALUE}).")
    public int epochs;

    @Option(names = "--batch", description = "Batch size (default ${DEFAULT-VALUE}).")
    public int batch;

    /** The options with these defaults. */
    public Length(int epochs, int batch) {
      this.epochs = epochs;
      this.batch = batch;
    }
  }

  /** {@code --seed}. */
  public static final class Seed {
    @Option(
        names = "--seed",
        description =
            "Seed of the run: the held-out split, the initial weights, the controller and its "
                + "noise, shuffling and augmentation (default ${DEFAULT-VALUE}).")
    public long seed = 42;
  }

  /** {@code --learning-rate}. */
  public static final class LearningRate {
    @Option(
        names = "--learning-rate",
        description =
            "SGD's base learning rate, annealed over the run by the command's schedule "
                + "(default ${DEFAULT-VALUE}).")
    public float learningRate;

    /** The option with this default. */
    public LearningRate(float learningRate) {
      this.learningRate = learningRate;
    }
  }
}
