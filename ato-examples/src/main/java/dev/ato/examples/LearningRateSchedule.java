package dev.ato.examples;

import static com.google.common.base.Preconditions.checkState;

import ai.djl.training.tracker.Tracker;

/**
 * The learning-rate schedules the example commands offer. A DJL optimiser takes its tracker when
 * it is built, before {@code AutoTrainOnce.build()} knows how many steps the run will take; the
 * tracker made here is therefore sized afterwards, with {@link Sized#size(long)}.
 */
public enum LearningRateSchedule {
  /** Cosine annealing from the base rate to 1% of it over the run. */
  COSINE,
  /** The base rate, divided by 10 at half and again at three quarters of the run. */
  STEP,
  /** The base rate throughout. */
  CONSTANT;

  /** A tracker of this schedule from {@code baseRate}, to be sized before training starts. */
  public Sized tracker(float baseRate) {
    return new Sized(this, baseRate);
  }

  /** A tracker that learns the run's length after the optimiser holding it was built. */
  public static final class Sized implements Tracker {
    private final LearningRateSchedule schedule;
    private final float baseRate;
    private Tracker sized;

    private Sized(LearningRateSchedule schedule, float baseRate) {
      this.schedule = schedule;
      this.baseRate = baseRate;
    }

    /** Fixes the schedule over {@code totalSteps} optimiser steps; call once. */
    public void size(long totalSteps) {
      checkState(sized == null, "the learning-rate schedule was already sized");
      int steps = Math.toIntExact(Math.max(1, totalSteps));
      sized = switch (schedule) {
        case COSINE -> Tracker.cosine().setBaseValue(baseRate).optFinalValue(baseRate / 100)
            .setMaxUpdates(steps).build();
        case STEP -> Tracker.multiFactor()
            .setSteps(new int[] {Math.max(1, steps / 2), Math.max(2, steps * 3 / 4)})
            .optFactor(0.1f).setBaseValue(baseRate).build();
        case CONSTANT -> Tracker.fixed(baseRate);
      };
    }

    @Override
    public float getNewValue(int numUpdate) {
      checkState(sized != null, "the learning-rate schedule was used before it was sized");
      return sized.getNewValue(numUpdate);
    }
  }
}
