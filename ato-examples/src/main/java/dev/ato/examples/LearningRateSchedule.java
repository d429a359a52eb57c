package dev.ato.examples;

import ai.djl.training.tracker.Tracker;

/**
 * The learning-rate schedules the example commands offer, each sized to a run's optimiser steps:
 * {@code AutoTrainOnceBuilder.optOptimizer(LongFunction)} hands a run's total steps over once it
 * knows them.
 */
public enum LearningRateSchedule {
  /** Cosine annealing from the base rate to 1% of it over the run. */
  COSINE,
  /** The base rate, divided by 10 at half and again at three quarters of the run. */
  STEP,
  /** The base rate throughout. */
  CONSTANT;

  /** This schedule from {@code baseRate} over {@code totalSteps} optimiser steps. */
  public Tracker tracker(float baseRate, long totalSteps) {
    int steps = Math.toIntExact(Math.max(1, totalSteps));
    return switch (this) {
      case COSINE ->
          Tracker.cosine()
              .setBaseValue(baseRate)
              .optFinalValue(baseRate / 100)
              .setMaxUpdates(steps)
              .build();
      case STEP ->
          Tracker.multiFactor()
              .setSteps(new int[] {Math.max(1, steps / 2), Math.max(2, steps * 3 / 4)})
              .optFactor(0.1f)
              .setBaseValue(baseRate)
              .build();
      case CONSTANT -> Tracker.fixed(baseRate);
    };
  }
}
