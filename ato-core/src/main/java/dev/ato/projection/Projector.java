package dev.ato.projection;

import dev.ato.tensor.TensorOps;

/**
 * Drives the groups a mask prunes towards zero after each optimiser step (docs/method.md,
 * "Formulas"). Groups the mask keeps are never touched. Implementations work per parameter tensor
 * through {@link TensorOps}, one vectorised operation per tensor, and compute per-group norms and
 * factors with the engine's vectors, so that a step copies nothing back to the host.
 */
public interface Projector {

  /** Whether {@link ProjectionStep#beforeStep()} must hold the parameters before the step. */
  boolean needsValuesBeforeStep();

  /**
   * Projects the pruned groups of {@code step.current()} in place.
   *
   * @param <T> the engine's tensor type
   * @param <V> the engine's vector type
   * @throws IllegalArgumentException when the mask does not cover the projector's groups, or a
   *     needed parameter is missing
   */
  <T, V> void projectInPlace(TensorOps<T, V> ops, ProjectionStep<T> step);
}
