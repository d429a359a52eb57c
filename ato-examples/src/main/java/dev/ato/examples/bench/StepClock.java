package dev.ato.examples.bench;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import java.util.ArrayList;
import java.util.List;

/**
 * Wall-clock time of a training loop's steps, each measured from the end of the step before: what a
 * run costs per step, batch loading and everything done between two steps included. The first steps
 * (JIT, libtorch's first allocations) and the first step of each later epoch (whose time holds the
 * validation and the epoch's listeners) are left out.
 */
final class StepClock {
  private final int warmupSteps;
  private final List<Double> seconds = new ArrayList<>();
  private long previous = -1;
  private long steps;
  private boolean epochJustEnded;

  /**
   * @param warmupSteps steps at the start not counted
   */
  StepClock(int warmupSteps) {
    checkArgument(warmupSteps >= 0, "warm-up steps must be >= 0, found %s", warmupSteps);
    this.warmupSteps = warmupSteps;
  }

  /** Marks the start of the loop, before its first batch is read. */
  void start() {
    previous = System.nanoTime();
  }

  /** Marks the end of a step. */
  void stepEnded() {
    checkState(previous >= 0, "start() was not called");
    long now = System.nanoTime();
    record(now - previous);
    previous = now;
  }

  /** Marks the end of an epoch: the next step's time is not counted. */
  void epochEnded() {
    epochJustEnded = true;
  }

  /** Counts one step that took {@code nanos}; the part without a clock, for tests. */
  void record(long nanos) {
    long step = steps++;
    if (step >= warmupSteps && !epochJustEnded) {
      seconds.add(nanos / 1e9);
    }
    epochJustEnded = false;
  }

  /** Mean seconds of the counted steps. */
  double meanSeconds() {
    checkState(
        !seconds.isEmpty(), "no step was counted: %s steps with %s of warm-up", steps, warmupSteps);
    return seconds.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
  }

  /** Steps counted. */
  int counted() {
    return seconds.size();
  }
}
