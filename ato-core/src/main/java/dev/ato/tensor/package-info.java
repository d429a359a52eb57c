/**
 * The engine-neutral tensor interface the projectors are written against, and its plain-Java
 * implementation. Engine bindings implement {@link dev.ato.tensor.TensorOps} on their own tensors,
 * with vectors that stay on the engine's device.
 */
package dev.ato.tensor;
