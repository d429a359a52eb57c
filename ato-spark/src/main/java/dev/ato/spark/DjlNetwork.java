package dev.ato.spark;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import dev.ato.djl.subnet.CompressedModel;
import java.nio.file.Path;

/**
 * A directory {@code CompressedModel.save} wrote, loaded with its checks (checksums, geometry) and
 * run by libtorch through DJL: one predictor per task, as DJL's predictors are not thread-safe.
 */
final class DjlNetwork implements ScoringNetwork {

  private final CompressedModel compressed;
  private final Model model;
  private final NDManager manager;

  private DjlNetwork(CompressedModel compressed, Model model, NDManager manager) {
    this.compressed = compressed;
    this.model = model;
    this.manager = manager;
  }

  /**
   * @throws IllegalArgumentException when the directory holds no saved network (naming the file)
   */
  static DjlNetwork load(Path directory) {
    NDManager manager = NDManager.newBaseManager();
    try {
      CompressedModel compressed = CompressedModel.load(directory, manager);
      Model model = Model.newInstance("ato-spark-scoring");
      model.setBlock(compressed.block());
      return new DjlNetwork(compressed, model, manager);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  @Override
  public long[] inputShape() {
    long[] withBatch = compressed.inputShape().getShape();
    long[] shape = new long[withBatch.length - 1];
    System.arraycopy(withBatch, 1, shape, 0, shape.length);
    return shape;
  }

  @Override
  public String describe() {
    return String.format(
        "a DJL network (%s form), libtorch on %d threads",
        compressed.form(), EngineThreads.threads());
  }

  @Override
  public Session newSession() {
    // Each task's thread, which may not have run libtorch yet.
    EngineThreads.followTask();
    Predictor<NDList, NDList> predictor = model.newPredictor(new NoopTranslator());
    return new Session() {
      @Override
      public Outputs forward(float[] inputs, long[] shape) throws Exception {
        try (NDManager scope = NDManager.newBaseManager()) {
          NDArray batch = scope.create(inputs, new Shape(shape));
          NDList output = predictor.predict(new NDList(batch));
          try {
            requireOne(output.size());
            return new Outputs(output.head().toFloatArray(), output.head().getShape().getShape());
          } finally {
            output.close();
          }
        }
      }

      @Override
      public void close() {
        predictor.close();
      }
    };
  }

  /** Refuses a network of several outputs, whose logits the scorer cannot name. */
  static void requireOne(int outputs) {
    if (outputs != 1) {
      throw new IllegalStateException(
          "the network has "
              + outputs
              + " outputs; the scorer writes the logits of networks with one");
    }
  }

  @Override
  public void close() {
    model.close();
    compressed.close();
    manager.close();
  }
}
