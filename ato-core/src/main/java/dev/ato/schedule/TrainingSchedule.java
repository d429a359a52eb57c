package dev.ato.schedule;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import java.util.Locale;

/**
 * When each part of ATO's Algorithm 1 runs, in optimiser steps {@code 0 .. T - 1} (spec section 4):
 * the controller trains every {@code controllerInterval} steps of the window {@code [T_start,
 * T_end]}; pruned groups are projected from {@code T_w} on; after {@code T_end} the mask is frozen.
 * The three are given as fractions of {@code T}, defaults 0.1, 0.2 and 0.5, and must keep the order
 * {@code T_start <= T_w <= T_end}. Immutable.
 *
 * <p>How often the controller trains fits the run: by default the window holds {@value
 * #DEFAULT_CONTROLLER_UPDATES} updates, one every {@code floor(window / updates)} steps but never
 * closer than every {@value #MIN_CONTROLLER_SPACING} steps (the paper's every {@value
 * #PAPER_CONTROLLER_INTERVAL} steps is meant for runs of 100,000 steps and more, where it gives
 * thousands of updates; on a run of 1,000 steps it gives 21, far too few to reach a budget). An
 * update costs about one training step, so the spacing holds the controller to an eighth of the
 * window's steps, 5% of the run's with the paper's window. A window with room for fewer updates
 * than asked gets fewer; the controller's learning rate stays the paper's, since a larger one lost
 * accuracy on short runs without reaching budgets more often (docs/results.md, "The controller's
 * learning rate on short runs"). An explicit interval is taken as it is.
 */
public final class TrainingSchedule {

  /**
   * Controller updates in the window unless told otherwise: what the paper's interval gives its
   * 100,000-step runs, and several times what the measured networks needed at AdamW's 1e-3 to reach
   * budgets up to a 70% FLOPs reduction (docs/design.md).
   */
  public static final int DEFAULT_CONTROLLER_UPDATES = 2000;

  /** The paper's {@code T_start / T}: the controller starts training after 10% of the steps. */
  public static final double DEFAULT_CONTROLLER_START = 0.1;

  /** The paper's {@code T_w / T}: projection starts after 20% of the steps. */
  public static final double DEFAULT_WARMUP = 0.2;

  /** The paper's {@code T_end / T}: the mask freezes after half of the steps. */
  public static final double DEFAULT_CONTROLLER_END = 0.5;

  /**
   * The fewest steps between two controller updates spread over the window. One update is a gated
   * forward and backward pass through the model, about a training step; at every step of the window
   * the controller cost short runs a quarter of their time, at every 8th about 5% (docs/results.md,
   * "What the controller costs").
   */
  public static final int MIN_CONTROLLER_SPACING = 8;

  /** The paper's steps between controller updates, for runs of 100,000 steps and more. */
  public static final int PAPER_CONTROLLER_INTERVAL = 20;

  private final long totalSteps;
  private final long controllerStart;
  private final long warmup;
  private final long controllerEnd;
  private final int controllerInterval;

  private TrainingSchedule(Builder b) {
    this.totalSteps = b.totalSteps;
    this.controllerStart = (long) Math.floor(b.controllerStart * b.totalSteps);
    this.warmup = (long) Math.floor(b.warmup * b.totalSteps);
    this.controllerEnd = (long) Math.floor(b.controllerEnd * b.totalSteps);
    long window = controllerEnd - controllerStart + 1;
    this.controllerInterval =
        b.controllerInterval > 0
            ? b.controllerInterval
            : (int)
                Math.max(
                    MIN_CONTROLLER_SPACING,
                    Math.min(Integer.MAX_VALUE, window / b.controllerUpdates));
  }

  /** Starts a schedule; {@link Builder#setTotalSteps} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** {@code T}: the number of optimiser steps. */
  public long totalSteps() {
    return totalSteps;
  }

  /** {@code T_start}: the first step the controller may train at. */
  public long controllerStartStep() {
    return controllerStart;
  }

  /** {@code T_w}: the first step that projects pruned groups. */
  public long warmupStep() {
    return warmup;
  }

  /** {@code T_end}: the last step the controller may train at; the mask is frozen after it. */
  public long controllerEndStep() {
    return controllerEnd;
  }

  /** Steps between two controller updates. */
  public int controllerInterval() {
    return controllerInterval;
  }

  /**
   * The number of controller updates in the window: steps {@code T_start + k * interval} up to
   * {@code T_end}.
   */
  public long controllerUpdates() {
    return (controllerEnd - controllerStart) / controllerInterval + 1;
  }

  /** Whether the pruned groups are projected after step {@code step}. */
  public boolean projects(long step) {
    return step >= warmup;
  }

  /** Whether the controller trains at step {@code step}. */
  public boolean trainsController(long step) {
    return step >= controllerStart
        && step <= controllerEnd
        && (step - controllerStart) % controllerInterval == 0;
  }

  /** Whether the mask is frozen at step {@code step}. */
  public boolean maskFrozen(long step) {
    return step > controllerEnd;
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "TrainingSchedule(T=%d, T_start=%d, T_w=%d, T_end=%d, controller every %d steps: %d "
            + "updates)",
        totalSteps,
        controllerStart,
        warmup,
        controllerEnd,
        controllerInterval,
        controllerUpdates());
  }

  /**
   * Builds a {@link TrainingSchedule}. Fractions are of the total steps; setting an option twice is
   * an error; {@link #build()} checks the order of the fractions.
   */
  public static final class Builder {
    private long totalSteps = -1;
    private double controllerStart = Double.NaN;
    private double warmup = Double.NaN;
    private double controllerEnd = Double.NaN;
    private int controllerInterval = -1;
    private int controllerUpdates = -1;

    private Builder() {}

    /** Sets {@code T}, the number of optimiser steps of the whole run. Required. */
    public Builder setTotalSteps(long steps) {
      checkState(totalSteps < 0, "totalSteps was already set to %s", totalSteps);
      checkArgument(steps >= 1, "the total steps must be at least 1, found %s", steps);
      this.totalSteps = steps;
      return this;
    }

    /** Sets {@code T_start / T}; default 0.1. */
    public Builder optControllerStart(double fraction) {
      checkState(Double.isNaN(controllerStart), "controllerStart was already set");
      this.controllerStart = checkFraction("controllerStart", fraction);
      return this;
    }

    /** Sets {@code T_w / T}, the start of projection; default 0.2. */
    public Builder optWarmup(double fraction) {
      checkState(Double.isNaN(warmup), "warmup was already set");
      this.warmup = checkFraction("warmup", fraction);
      return this;
    }

    /** Sets {@code T_end / T}; default 0.5. */
    public Builder optControllerEnd(double fraction) {
      checkState(Double.isNaN(controllerEnd), "controllerEnd was already set");
      this.controllerEnd = checkFraction("controllerEnd", fraction);
      return this;
    }

    /**
     * Sets the steps between controller updates, e.g. the paper's {@value
     * #PAPER_CONTROLLER_INTERVAL}, instead of spreading a number of updates over the window.
     */
    public Builder optControllerInterval(int steps) {
      checkState(controllerInterval < 0, "controllerInterval was already set");
      checkState(
          controllerUpdates < 0,
          "controllerUpdates was set: give either the number of "
              + "controller updates or the interval between them, not both");
      checkArgument(steps >= 1, "the controller interval must be at least 1 step, found %s", steps);
      this.controllerInterval = steps;
      return this;
    }

    /**
     * Sets the number of controller updates to spread evenly over the window, at most one every
     * {@value #MIN_CONTROLLER_SPACING} steps; default {@value #DEFAULT_CONTROLLER_UPDATES}. For
     * updates closer together, set {@link #optControllerInterval(int)}.
     */
    public Builder optControllerUpdates(int updates) {
      checkState(controllerUpdates < 0, "controllerUpdates was already set");
      checkState(
          controllerInterval < 0,
          "controllerInterval was set: give either the number of "
              + "controller updates or the interval between them, not both");
      checkArgument(updates >= 1, "the controller needs at least 1 update, found %s", updates);
      this.controllerUpdates = updates;
      return this;
    }

    /**
     * Validates and builds; may be called again.
     *
     * @throws IllegalStateException when the total steps are missing
     * @throws IllegalArgumentException when the fractions are out of order
     */
    public TrainingSchedule build() {
      checkState(totalSteps >= 1, "setTotalSteps(...) is required");
      Builder b = new Builder();
      b.totalSteps = totalSteps;
      b.controllerStart =
          Double.isNaN(controllerStart) ? DEFAULT_CONTROLLER_START : controllerStart;
      b.warmup = Double.isNaN(warmup) ? DEFAULT_WARMUP : warmup;
      b.controllerEnd = Double.isNaN(controllerEnd) ? DEFAULT_CONTROLLER_END : controllerEnd;
      b.controllerInterval = controllerInterval;
      b.controllerUpdates =
          controllerInterval > 0
              ? -1
              : controllerUpdates > 0 ? controllerUpdates : DEFAULT_CONTROLLER_UPDATES;
      checkArgument(
          b.controllerStart <= b.warmup,
          "the controller must start no later than projection: controllerStart (%s) must not "
              + "exceed warmup (%s)",
          b.controllerStart,
          b.warmup);
      checkArgument(
          b.warmup <= b.controllerEnd,
          "projection must start before the mask freezes: warmup (%s) must not exceed "
              + "controllerEnd (%s)",
          b.warmup,
          b.controllerEnd);
      return new TrainingSchedule(b);
    }

    private static double checkFraction(String name, double fraction) {
      checkArgument(
          fraction >= 0 && fraction <= 1,
          "%s is a fraction of the total steps and must lie in [0, 1], found %s",
          name,
          fraction);
      return fraction;
    }
  }
}
