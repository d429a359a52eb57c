package dev.ato.projection;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.ato.groups.GroupMask;
import java.util.Optional;

/**
 * What one projection after an optimiser step works on.
 *
 * @param current the parameters after the optimiser step ({@code z}); projected in place
 * @param beforeStep the parameters before the step ({@code x}), for projectors that {@linkplain
 *     Projector#needsValuesBeforeStep need them}
 * @param mask the current hard mask: only groups with mask 0 are projected
 * @param learningRate the step's learning rate {@code eta}, at least 0
 * @param lambda the group-lasso strength of this step, at least 0
 * @param projectionsLeft once the mask is frozen, the projections left in the run, this one
 *     included: group lasso shrinks each pruned group at least by {@code 1 / projectionsLeft} of
 *     its norm, so that the last one leaves it at exactly zero; 0 while the mask may still change
 *     (no deadline)
 * @param <T> the engine's tensor type
 */
public record ProjectionStep<T>(
    ParameterSource<T> current,
    Optional<ParameterSource<T>> beforeStep,
    GroupMask mask,
    double learningRate,
    double lambda,
    long projectionsLeft) {

  public ProjectionStep {
    checkNotNull(current, "current parameters must not be null");
    checkNotNull(beforeStep, "beforeStep must not be null; use Optional.empty()");
    checkNotNull(mask, "mask must not be null");
    checkArgument(
        learningRate >= 0, "the learning rate must not be negative, found %s", learningRate);
    checkArgument(lambda >= 0, "lambda must not be negative, found %s", lambda);
    checkArgument(
        projectionsLeft >= 0,
        "the projections left must not be negative (0 for no " + "deadline), found %s",
        projectionsLeft);
  }

  /** A step with no deadline: the mask may still change after it. */
  public ProjectionStep(
      ParameterSource<T> current,
      Optional<ParameterSource<T>> beforeStep,
      GroupMask mask,
      double learningRate,
      double lambda) {
    this(current, beforeStep, mask, learningRate, lambda, 0);
  }
}
