package dev.ato.schedule;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import java.util.Locale;

/**
 * When each part of ATO's Algorithm 1 runs, in optimiser steps {@code 0 .. T - 1} (spec
 * section 4): the controller trains every {@code controllerInterval} steps of the window
 * {@code [T_start, T_end]}; pruned groups are projected from {@code T_w} on; after
 * {@code T_end} the mask is frozen. The three are given as fractions of {@code T}, defaults
 * 0.1, 0.2 and 0.5, and must keep the order {@code T_start <= T_w <= T_end}. Immutable.
 */
public final class TrainingSchedule {

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
    this.controllerInterval = b.controllerInterval;
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

  /** Whether the pruned groups are projected after step {@code step}. */
  public boolean projects(long step) {
    return step >= warmup;
  }

  /** Whether the controller trains at step {@code step}. */
  public boolean trainsController(long step) {
    return step >= controllerStart && step <= controllerEnd
        && (step - controllerStart) % controllerInterval == 0;
  }

  /** Whether the mask is frozen at step {@code step}. */
  public boolean maskFrozen(long step) {
    return step > controllerEnd;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT,
        "TrainingSchedule(T=%d, T_start=%d, T_w=%d, T_end=%d, controller every %d steps)",
        totalSteps, controllerStart, warmup, controllerEnd, controllerInterval);
  }

  /**
   * Builds a {@link TrainingSchedule}. Fractions are of the total steps; setting an option twice
   * is an error; {@link #build()} checks the order of the fractions.
   */
  public static final class Builder {
    private long totalSteps = -1;
    private double controllerStart = Double.NaN;
    private double warmup = Double.NaN;
    private double controllerEnd = Double.NaN;
    private int controllerInterval = -1;

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

    /** Sets the steps between controller updates; default 20. */
    public Builder optControllerInterval(int steps) {
      checkState(controllerInterval < 0, "controllerInterval was already set");
      checkArgument(steps >= 1, "the controller interval must be at least 1 step, found %s",
          steps);
      this.controllerInterval = steps;
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
      b.controllerStart = Double.isNaN(controllerStart) ? 0.1 : controllerStart;
      b.warmup = Double.isNaN(warmup) ? 0.2 : warmup;
      b.controllerEnd = Double.isNaN(controllerEnd) ? 0.5 : controllerEnd;
      b.controllerInterval = controllerInterval < 0 ? 20 : controllerInterval;
      checkArgument(b.controllerStart <= b.warmup,
          "the controller must start no later than projection: controllerStart (%s) must not "
              + "exceed warmup (%s)", b.controllerStart, b.warmup);
      checkArgument(b.warmup <= b.controllerEnd,
          "projection must start before the mask freezes: warmup (%s) must not exceed "
              + "controllerEnd (%s)", b.warmup, b.controllerEnd);
      return new TrainingSchedule(b);
    }

    private static double checkFraction(String name, double fraction) {
      checkArgument(fraction >= 0 && fraction <= 1,
          "%s is a fraction of the total steps and must lie in [0, 1], found %s", name, fraction);
      return fraction;
    }
  }
}
