package dev.ato.djl.engine;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * A scope in which the engine records no autograd graph, for evaluation, inference and the
 * controller's pass over the frozen model. On the PyTorch engine a plain forward pass outside a
 * {@code GradientCollector} still records autograd, which costs about 5x in throughput
 * (docs/djl-notes.md); this scope switches PyTorch's grad mode off and restores the previous mode
 * on close. On other engines it does nothing.
 *
 * <pre>{@code
 * try (NoGrad ignored = NoGrad.enter()) {
 *   NDArray logits = block.forward(parameterStore, inputs, false).singletonOrThrow();
 * }
 * }</pre>
 */
public final class NoGrad implements AutoCloseable {

  private final boolean pytorch;
  private final boolean previous;

  private NoGrad(boolean pytorch, boolean previous) {
    this.pytorch = pytorch;
    this.previous = previous;
  }

  /** Switches autograd recording off until {@link #close()}. */
  public static NoGrad enter() {
    boolean pytorch = "PyTorch".equals(Engine.getInstance().getEngineName());
    if (!pytorch) {
      return new NoGrad(false, false);
    }
    boolean previous = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    return new NoGrad(true, previous);
  }

  /** Restores the grad mode that was in force before {@link #enter()}. */
  @Override
  public void close() {
    if (pytorch) {
      JniUtils.setGradMode(previous);
    }
  }
}
