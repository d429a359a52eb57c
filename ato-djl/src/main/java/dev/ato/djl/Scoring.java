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
import ai.djl.translate.TranslateException;
import dev.ato.djl.engine.NoGrad;
import java.io.UncheckedIOException;
import java.util.function.BiConsumer;

/**
 * Scores a network on a data set, in inference mode with autograd off, with any DJL evaluator or as
 * top-1 accuracy counted exactly: a block, or a DJL {@link ai.djl.inference.Predictor} or any other
 * runtime seen as a {@link Network}. How a run scores the masked and the compressed network, and
 * how a user scores either afterwards, or the saved one as it is served.
 *
 * <pre>{@code
 * double accuracy = Scoring.accuracy(result.compressed().block(), test);
 * double served = Scoring.accuracy(predictor::predict, test);
 * }</pre>
 */
public final class Scoring {

  /** The accumulator key for scoring a block outside a trainer's epochs. */
  private static final String ACCUMULATOR = "ato_scoring";

  private Scoring() {}

  /**
   * A network seen only through its outputs for a batch's inputs: a DJL predictor's {@code
   * predict}, or another runtime (ONNX Runtime, a model server) whose outputs are turned into
   * arrays of the inputs' manager.
   */
  @FunctionalInterface
  public interface Network {
    /**
     * The outputs for one batch; the first is the logits, one row per record.
     *
     * @throws TranslateException when the network cannot run the batch
     */
    NDList predict(NDList inputs) throws TranslateException;
  }

  /**
   * Top-1 accuracy of {@code block} on {@code data}, whose labels are class indices: the records
   * whose largest output is their label, counted exactly, over all records; NaN for data without a
   * batch.
   *
   * @throws UncheckedIOException when the data cannot be read
   * @throws IllegalStateException when the data set's transforms fail
   */
  public static double accuracy(Block block, Dataset data) {
    TopOne topOne = new TopOne();
    forEachBatch(deviceOf(block), data, forward(block), topOne);
    return topOne.accuracy();
  }

  /**
   * Top-1 accuracy of {@code network} on {@code data}, counted as for a block; the network's
   * outputs are closed once counted.
   *
   * @throws TranslateException when the network fails on a batch
   * @throws UncheckedIOException when the data cannot be read
   * @throws IllegalStateException when the data set's transforms fail
   */
  public static double accuracy(Network network, Dataset data) throws TranslateException {
    TopOne topOne = new TopOne();
    forEachBatch(
        Engine.getInstance().defaultDevice(),
        data,
        network::predict,
        (labels, predictions) -> {
          try {
            topOne.accept(labels, predictions);
          } finally {
            predictions.close();
          }
        });
    return topOne.accuracy();
  }

  /**
   * {@code metric} of {@code block} over all of {@code data}, as the evaluator accumulates it; NaN
   * for data without a batch.
   *
   * @throws UncheckedIOException when the data cannot be read
   * @throws IllegalStateException when the data set's transforms fail
   */
  public static double score(Block block, Evaluator metric, Dataset data) {
    return score(deviceOf(block), forward(block), metric, data, false);
  }

  /**
   * {@code metric} of {@code network} over all of {@code data}, as for a block; the network's
   * outputs are closed once counted.
   *
   * @throws TranslateException when the network fails on a batch
   * @throws UncheckedIOException when the data cannot be read
   * @throws IllegalStateException when the data set's transforms fail
   */
  public static double score(Network network, Evaluator metric, Dataset data)
      throws TranslateException {
    return score(Engine.getInstance().defaultDevice(), network::predict, metric, data, true);
  }

  private static <E extends Exception> double score(
      Device device, Forward<E> forward, Evaluator metric, Dataset data, boolean closeOutputs)
      throws E {
    metric.addAccumulator(ACCUMULATOR);
    try {
      boolean[] any = new boolean[1];
      forEachBatch(
          device,
          data,
          forward,
          (labels, predictions) -> {
            try {
              metric.updateAccumulator(ACCUMULATOR, labels, predictions);
              any[0] = true;
            } finally {
              if (closeOutputs) {
                predictions.close();
              }
            }
          });
      return any[0] ? metric.getAccumulator(ACCUMULATOR) : Double.NaN;
    } finally {
      metric.resetAccumulator(ACCUMULATOR);
    }
  }

  /** Counts the records whose largest output is their label. */
  private static final class TopOne implements BiConsumer<NDList, NDList> {
    private long correct;
    private long total;

    @Override
    public void accept(NDList labels, NDList predictions) {
      NDArray truth = labels.head();
      NDArray predicted = predictions.head().argMax(1).toType(truth.getDataType(), false);
      correct += predicted.eq(truth.reshape(predicted.getShape())).sum().getLong();
      total += predicted.size();
    }

    double accuracy() {
      return total == 0 ? Double.NaN : (double) correct / total;
    }
  }

  /** A forward pass, throwing what the network throws: nothing unchecked for a block. */
  @FunctionalInterface
  private interface Forward<E extends Exception> {
    NDList apply(NDList inputs) throws E;
  }

  /** The block's inference forward pass, whose intermediate arrays go to the inputs' manager. */
  private static Forward<RuntimeException> forward(Block block) {
    return inputs ->
        block.forward(new ParameterStore(inputs.head().getManager(), false), inputs, false);
  }

  /**
   * Runs {@code forward} on every batch of {@code data}, read onto {@code device}, with autograd
   * off, and hands each batch's labels and predictions to {@code seen} while the batch is open.
   */
  private static <E extends Exception> void forEachBatch(
      Device device, Dataset data, Forward<E> forward, BiConsumer<NDList, NDList> seen) throws E {
    try (NDManager manager = NDManager.newBaseManager(device);
        NoGrad ignored = NoGrad.enter()) {
      for (Batch batch : Batches.reading("scoring", () -> data.getData(manager))) {
        // Each batch's manager also takes the forward pass's intermediate arrays.
        try (batch) {
          seen.accept(batch.getLabels(), forward.apply(batch.getData()));
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
