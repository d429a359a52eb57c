package dev.ato.storage;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where and how often an ATO run saves checkpoints, and how many it keeps. A run with checkpoints
 * resumes from the latest one when {@code AutoTrainOnce.fit()} finds one in the directory, and ends
 * with the same mask and metrics as a run that was never interrupted.
 *
 * <p>A checkpoint is written after every {@code everyEpochs}-th epoch and after the last one (and,
 * if asked, every {@code everySteps} steps within epochs). It holds the model's parameters and
 * batch-norm statistics, its optimiser's state, the controller's parameters and AdamW state, the
 * mask (and the frozen mask with its budget outcome), the step, the epoch and controller history
 * and the held-out split; the random state needs no saving because every epoch reseeds the engine
 * from the run's seed. Each is written whole or not at all ({@link StagedDirectory}), so a run
 * killed while writing leaves the previous one intact. See docs/reliability.md, "Checkpoints and
 * resume".
 *
 * <pre>{@code
 * AutoTrainOnce.builder()
 *     ...
 *     .optCheckpoints(Checkpoints.in(Path.of("runs/resnet20")).optEveryEpochs(2).build())
 * }</pre>
 */
public final class Checkpoints {

  /** Epochs between checkpoints by default: one after every epoch. */
  public static final int DEFAULT_EVERY_EPOCHS = 1;

  /** Checkpoints kept by default: the latest and the one before it. */
  public static final int DEFAULT_RETAIN = 2;

  private final Path directory;
  private final int everyEpochs;
  private final int everySteps;
  private final int retain;

  private Checkpoints(Path directory, int everyEpochs, int everySteps, int retain) {
    this.directory = directory;
    this.everyEpochs = everyEpochs;
    this.everySteps = everySteps;
    this.retain = retain;
  }

  /** Starts the settings of checkpoints kept in {@code directory} (made when missing). */
  public static Builder in(Path directory) {
    checkArgument(directory != null, "the checkpoint directory must not be null");
    return new Builder(directory);
  }

  /** The directory the checkpoints are kept in. */
  public Path directory() {
    return directory;
  }

  /** Epochs between two checkpoints; the last epoch always writes one. */
  public int everyEpochs() {
    return everyEpochs;
  }

  /** Steps between two checkpoints within epochs; 0 for none but the epochs'. */
  public int everySteps() {
    return everySteps;
  }

  /** How many checkpoints are kept; older ones are deleted once a newer one is complete. */
  public int retain() {
    return retain;
  }

  /**
   * Deletes every checkpoint in the directory, complete or half-written, and the directory when
   * nothing else is left in it: for a program that keeps checkpoints only until a run finishes.
   * Other files are left alone.
   *
   * @throws IOException when a checkpoint cannot be deleted
   */
  public void clear() throws IOException {
    CheckpointDirectory.clear(directory);
  }

  @Override
  public String toString() {
    return "Checkpoints("
        + directory
        + ", every "
        + everyEpochs
        + " epochs"
        + (everySteps > 0 ? " and every " + everySteps + " steps" : "")
        + ", keep "
        + retain
        + ")";
  }

  /** Builds {@link Checkpoints}; every option has a default. */
  public static final class Builder {
    private final Path directory;
    private int everyEpochs = DEFAULT_EVERY_EPOCHS;
    private int everySteps;
    private int retain = DEFAULT_RETAIN;

    private Builder(Path directory) {
      this.directory = directory;
    }

    /**
     * Sets the epochs between two checkpoints. Default {@value Checkpoints#DEFAULT_EVERY_EPOCHS}.
     */
    public Builder optEveryEpochs(int epochs) {
      checkArgument(epochs >= 1, "checkpoints are written every n >= 1 epochs, got %s", epochs);
      this.everyEpochs = epochs;
      return this;
    }

    /**
     * Also writes a checkpoint every {@code steps} steps within an epoch, for epochs too long to
     * lose. A run resumed from one reads the epoch's batches up to that step again without training
     * on them (so that shuffling and random transforms draw as before) and restores DJL's running
     * loss and metrics of the epoch. Default: none, only the epochs'.
     */
    public Builder optEverySteps(int steps) {
      checkArgument(steps >= 1, "checkpoints are written every n >= 1 steps, got %s", steps);
      this.everySteps = steps;
      return this;
    }

    /** Sets how many checkpoints are kept. Default {@value Checkpoints#DEFAULT_RETAIN}. */
    public Builder optRetain(int checkpoints) {
      checkArgument(
          checkpoints >= 1,
          "at least the latest checkpoint is kept: retain >= 1, " + "got %s",
          checkpoints);
      this.retain = checkpoints;
      return this;
    }

    /** The settings. */
    public Checkpoints build() {
      return new Checkpoints(directory, everyEpochs, everySteps, retain);
    }
  }
}
