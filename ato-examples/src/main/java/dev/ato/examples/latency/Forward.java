package dev.ato.examples.latency;

/**
 * One network that can be timed: a forward pass in inference mode on a batch of inputs, the output
 * read back to the host, as serving does.
 */
public interface Forward extends AutoCloseable {

  /** What is timed, for logs and reports, e.g. "DJL, compressed, folded". */
  String name();

  /**
   * Runs one batch.
   *
   * @param input the batch's values, row-major
   * @param shape its shape, batch axis first
   */
  void run(float[] input, long[] shape);

  /** Frees what the network holds for timing (not the network itself). */
  @Override
  default void close() {}
}
