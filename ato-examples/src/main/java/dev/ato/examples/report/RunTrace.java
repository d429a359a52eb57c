package dev.ato.examples.report;

import com.google.common.collect.ImmutableList;
import dev.ato.djl.AtoListener;
import dev.ato.djl.BudgetOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Hears an ATO run and keeps what its report draws that the result does not hold: the schedule as
 * the run announced it and, step by step, the epoch's running loss and the FLOPs the mask of the
 * moment keeps. Add it before listeners that read {@link #lastStep()}.
 */
public final class RunTrace implements AtoListener {

  private RunInfo info;
  private BudgetOutcome frozen;
  private final List<StepSample> steps = new ArrayList<>();

  /**
   * One step of the run.
   *
   * @param step the step just done, from 0
   * @param epochLoss mean training loss of the epoch so far
   * @param flopsKept share of the whole model's FLOPs that the mask kept after the step
   */
  public record StepSample(long step, double epochLoss, double flopsKept) {}

  @Override
  public void onStart(RunInfo started) {
    info = started;
  }

  @Override
  public void onStep(StepInfo step) {
    steps.add(new StepSample(step.step(), step.epochLoss(), step.flopsRatio()));
  }

  @Override
  public void onMaskFrozen(BudgetOutcome outcome) {
    frozen = outcome;
  }

  /** The run's schedule, once it has started. */
  public Optional<RunInfo> info() {
    return Optional.ofNullable(info);
  }

  /** How the mask came to its reduction, once it froze. */
  public Optional<BudgetOutcome> frozen() {
    return Optional.ofNullable(frozen);
  }

  /** Every step so far, in order. */
  public ImmutableList<StepSample> steps() {
    return ImmutableList.copyOf(steps);
  }

  /** The latest step, if any. */
  public Optional<StepSample> lastStep() {
    return steps.isEmpty() ? Optional.empty() : Optional.of(steps.get(steps.size() - 1));
  }
}
