/**
 * The ATO controller on DJL (Wu, Gao et al., "Auto-Train-Once", CVPR 2024, section 3.2; spec
 * section 2 and 3): the controller network that scores every zero-invariant group, the
 * straight-through Gumbel-sigmoid that turns its logits into a keep mask, and the differentiable
 * FLOPs ratio and penalty that the mask is trained against.
 *
 * <p>The formulas themselves live in ato-core ({@code dev.ato.controller}, {@code dev.ato.cost});
 * this package evaluates them on NDArrays so that gradients reach the controller, and is checked
 * against the core's plain-Java reference.
 */
package dev.ato.djl.controller;
