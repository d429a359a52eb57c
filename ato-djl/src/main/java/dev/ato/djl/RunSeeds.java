package dev.ato.djl;

import java.util.SplittableRandom;

/** How a run's seed reaches the engine and the run's own random draws. */
final class RunSeeds {

  private RunSeeds() {}

  /** The seed of the engine's generator (DJL takes an int). */
  static int engineSeed(long seed) {
    return Math.toIntExact(seed & 0x7fffffff);
  }

  /**
   * A generator drawn from the run's seed and a position in the run (an epoch, a step) alone, so
   * that what is drawn there does not depend on what came before: a resumed run draws the same as
   * one never interrupted.
   */
  static SplittableRandom drawnFrom(long seed, long position) {
    return new SplittableRandom(seed ^ (position * 0x9E3779B97F4A7C15L));
  }
}
