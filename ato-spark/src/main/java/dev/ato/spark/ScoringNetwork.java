package dev.ato.spark;

/**
 * A network an executor scores with: loaded once, shared by the executor's tasks, each of which
 * runs it through a session of its own.
 */
interface ScoringNetwork extends AutoCloseable {

  /** The input one row gives, without the batch: {@code [1, 28, 28]}, say. */
  long[] inputShape();

  /** What was loaded, for the log. */
  String describe();

  /** A session for one task; not shared between threads. */
  Session newSession();

  @Override
  void close();

  /** One task's way into the network. */
  interface Session extends AutoCloseable {

    /**
     * The network's output for a batch.
     *
     * @param inputs the batch's inputs laid end to end
     * @param shape the batch's shape, the batch first
     * @throws Exception when the runtime fails on the batch
     */
    Outputs forward(float[] inputs, long[] shape) throws Exception;

    @Override
    void close();
  }

  /** A batch's outputs: the values row after row, and their shape, the batch first. */
  final class Outputs {
    private final float[] values;
    private final long[] shape;

    Outputs(float[] values, long[] shape) {
      this.values = values;
      this.shape = shape;
    }

    float[] values() {
      return values;
    }

    long[] shape() {
      return shape;
    }
  }
}
