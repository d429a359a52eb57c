package dev.ato.djl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.evaluator.Evaluator;
import dev.ato.djl.engine.NoGrad;
import java.io.UncheckedIOException;
import java.util.function.BiConsumer;

/**
 * Scores a block on a data set with a DJL evaluator, in inference mode with autograd off: how a run
 * scores the masked and the compressed network, and how a user scores either afterwards.
 *
 * <pre>{@code
 * double accuracy = Scoring.accuracy(result.compressed().block(), test);
 * }</pre>
 */
public final class Scoring {

  /** The accumulator key for scoring a block outside a trainer's epochs. */
  private static final String ACCUMULATOR = "ato_scoring";

  private Scoring() {}

  /**
   * Top-1 accuracy of {@code block} on {@code data}, whose labels are class indices: the records
   * whose largest output is their label, counted exactly, over all records; NaN for data without a
   * batch.
   *
   * @throws UncheckedIOException when the data cannot be read
   * @throws IllegalStateException when the data set's transforms fail
   */
  public static double accuracy(Block block, Dataset data) {
    long[] correctAndTotal = new long[2];
    forEachBatch(
        block,
        data,
        (labels, predictions) -> {
          NDArray truth = labels.head();
          NDArray predicted = predictions.head().argMax(1).toType(truth.getDataType(), false);
          correctAndTotal[0] += predicted.eq(truth.reshape(predicted.getShape())).sum().getLong();
          correctAndTotal[1] += predicted.size();
        });
    return correctAndTotal[1] == 0 ? Double.NaN : (double) correctAndTotal[0] / correctAndTotal[1];
  }

  /**
   * {@code metric} of {@code block} over all of {@code data}, as the evaluator accumulates it; NaN
   * for data without a batch.
   *
   * @throws UncheckedIOException when the data cannot be read
   * @throws IllegalStateException when the data set's transforms fail
   */
  public static double score(Block block, Evaluator metric, Dataset data) {
    metric.addAccumulator(ACCUMULATOR);
    try {
      boolean[] any = new boolean[1];
      forEachBatch(
          block,
          data,
          (labels, predictions) -> {
            metric.updateAccumulator(ACCUMULATOR, labels, predictions);
            any[0] = true;
          });
      return any[0] ? metric.getAccumulator(ACCUMULATOR) : Double.NaN;
    } finally {
      metric.resetAccumulator(ACCUMULATOR);
    }
  }

  /**
   * Runs {@code block} on every batch of {@code data}, read onto the device of the block's
   * parameters, in inference mode with autograd off, and hands each batch's labels and predictions
   * to {@code seen} while the batch is open.
   */
  private static void forEachBatch(Block block, Dataset data, BiConsumer<NDList, NDList> seen) {
    try (NDManager manager = NDManager.newBaseManager(deviceOf(block));
        NoGrad ignored = NoGrad.enter()) {
      for (Batch batch : Batches.reading("scoring", () -> data.getData(manager))) {
        // Each batch's manager also takes the forward pass's intermediate arrays.
        try (batch) {
          NDList predictions =
              block.forward(new ParameterStore(batch.getManager(), false), batch.getData(), false);
          seen.accept(batch.getLabels(), predictions);
        }
      }
    }
  }

  private static Device deviceOf(Block block) {
    return block.getParameters().values().stream()
        .filter(p -> p.getArray() != null)
        .map(p -> p.getArray().getDevice())
        .findFirst()
        .orElseGet(() -> Engine.getInstance().defaultDevice());
  }
}
