/**
 * DJL NDArrays behind ato-core's engine-neutral tensor interface, so that the core's projectors run
 * on the PyTorch engine unchanged.
 */
package dev.ato.djl.tensor;
