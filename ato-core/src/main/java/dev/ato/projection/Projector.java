package dev.ato.projection;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.ato.groups.GroupMask;
import dev.ato.tensor.TensorOps;
import java.util.Optional;

/**
 * Drives the groups a mask prunes towards zero after each optimiser step (docs/method.md,
 * "Formulas"). Groups the mask keeps are never touched. Implementations work per parameter tensor
 * through {@link TensorOps}, one vectorised operation per tensor, and compute per-group norms and
 * factors with the engine's vectors, so that a step copies nothing back to the host.
 */
public interface Projector {

  /** Whether {@link Step#beforeStep()} must hold the parameters before the step. */
  boolean needsValuesBeforeStep();

  /**
   * Projects the pruned groups of {@code step.current()} in place.
   *
   * @param <T> the engine's tensor type
   * @param <V> the engine's vector type
   * @throws IllegalArgumentException when the mask does not cover the projector's groups, or a
   *     needed parameter is missing
   */
  <T, V> void projectInPlace(TensorOps<T, V> ops, Step<T> step);

  /**
   * What one projection after an optimiser step works on.
   *
   * @param current the parameters after the optimiser step ({@code z}); projected in place
   * @param beforeStep the parameters before the step ({@code x}), for projectors that {@linkplain
   *     #needsValuesBeforeStep need them}
   * @param mask the current hard mask: only groups with mask 0 are projected
   * @param learningRate the step's learning rate {@code eta}, at least 0
   * @param lambda the group-lasso strength of this step, at least 0
   * @param projectionsLeft once the mask is frozen, the projections left in the run, this one
   *     included: group lasso shrinks each pruned group at least by {@code 1 / projectionsLeft} of
   *     its norm, so that the last one leaves it at exactly zero; 0 while the mask may still change
   *     (no deadline)
   * @param <T> the engine's tensor type
   */
  record Step<T>(
      ParameterSource<T> current,
      Optional<ParameterSource<T>> beforeStep,
      GroupMask mask,
      double learningRate,
      double lambda,
      long projectionsLeft) {

    public Step {
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
    public Step(
        ParameterSource<T> current,
        Optional<ParameterSource<T>> beforeStep,
        GroupMask mask,
        double learningRate,
        double lambda) {
      this(current, beforeStep, mask, learningRate, lambda, 0);
    }
  }
}
