package dev.ato.djl;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

/**
 * Hands out the model's parameters detached from autograd, for the controller's pass over the
 * frozen model: gradients flow into the gates but never into the model, whose gradients the next
 * optimiser step would otherwise pick up. Detached arrays share storage and are made inside the
 * caller's {@code NDScope}, which frees them.
 */
final class FrozenParameterStore extends ParameterStore {

  FrozenParameterStore(NDManager manager) {
    super(manager, false);
  }

  @Override
  public NDArray getValue(Parameter parameter, Device device, boolean training) {
    NDArray value = super.getValue(parameter, device, training);
    // Layers ask for optional parameters they lack (a convolution's absent bias) and get null.
    return value == null ? null : value.stopGradient();
  }
}
