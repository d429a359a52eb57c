package dev.ato.examples;

import java.util.List;
import picocli.CommandLine.Option;

/**
 * Options that several commands share, as picocli mixins, each declared once: a command takes the
 * ones it uses, with its own defaults, e.g. {@code @Mixin TrainingOptions.Length length = new
 * TrainingOptions.Length(12, 64);}.
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

  /** {@code --width}, MobileNetV2's width multiplier. */
  public static final class MobileNetWidth {
    @Option(
        names = "--width",
        description = "MobileNetV2's width multiplier (default ${DEFAULT-VALUE}).")
    public double width;

    /** The option with this default. */
    public MobileNetWidth(double width) {
      this.width = width;
    }
  }

  /** {@code --targets}, the FLOPs reductions a research command runs at. */
  public static final class Targets {
    @Option(
        names = "--targets",
        split = ",",
        defaultValue = "0.3,0.5,0.7",
        description = "FLOPs reductions, each in (0, 1) (default ${DEFAULT-VALUE}).")
    public List<Double> targets;
  }
}
