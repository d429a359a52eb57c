package dev.ato.examples.latency;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.ato.djl.engine.NoGrad;

/**
 * A DJL block's forward pass in inference mode with autograd off (DJL's PyTorch engine records
 * autograd otherwise, several times slower). Each pass gets its input in a scope of its own: DJL
 * attaches a block's intermediate arrays to its input's manager, and an input held by a long-lived
 * manager would keep every pass's activations until the end (docs/djl-notes.md).
 */
public final class DjlForward implements Forward {

  private final String name;
  private final Block block;
  private final NDManager manager;

  /** Times {@code block}, initialised, under {@code name}. */
  public DjlForward(String name, Block block) {
    this.name = name;
    this.block = block;
    this.manager =
        block.getParameters().isEmpty()
            ? NDManager.newBaseManager()
            : NDManager.newBaseManager(block.getParameters().valueAt(0).getArray().getDevice());
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void run(float[] input, long[] shape) {
    try (NDManager scope = manager.newSubManager();
        NoGrad ignored = NoGrad.enter()) {
      NDArray x = scope.create(input, new Shape(shape));
      NDList output = block.forward(new ParameterStore(scope, false), new NDList(x), false);
      output.head().toFloatArray();
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}
