/**
 * Projection operators that drive pruned groups to zero during training (docs/method.md,
 * "Formulas"): the group-lasso proximal step and half-space projection, written once against {@link
 * dev.ato.tensor.TensorOps} so that any engine runs them on its own tensors.
 */
package dev.ato.projection;
