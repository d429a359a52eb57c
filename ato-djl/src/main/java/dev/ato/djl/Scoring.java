package dev.ato.djl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.evaluator.Evaluator;
import ai.djl.translate.TranslateException;
import dev.ato.djl.engine.NoGrad;
import java.io.IOException;
import java.io.UncheckedIOException;

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
   * Top-1 accuracy of {@code block} on {@code data}, whose labels are class indices; NaN for data
   * without a batch.
   */
  public static double accuracy(Block block, Dataset data) {
    return score(block, new Accuracy(), data);
  }

  /**
   * {@code metric} of {@code block} over all of {@code data}, read onto the device of the block's
   * parameters; NaN for data without a batch.
   *
   * @throws UncheckedIOException when the data cannot be read
   * @throws IllegalStateException when the data set's transforms fail
   */
  public static double score(Block block, Evaluator metric, Dataset data) {
    boolean any = false;
    try (NDManager manager = NDManager.newBaseManager(deviceOf(block));
        NoGrad ignored = NoGrad.enter()) {
      metric.addAccumulator(ACCUMULATOR);
      for (Batch batch : data.getData(manager)) {
        // Each batch's manager also takes the forward pass's intermediate arrays.
        try (batch) {
          NDList predictions =
              block.forward(new ParameterStore(batch.getManager(), false), batch.getData(), false);
          metric.updateAccumulator(ACCUMULATOR, batch.getLabels(), predictions);
          any = true;
        }
      }
      return any ? metric.getAccumulator(ACCUMULATOR) : Double.NaN;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the data to score on: " + e.getMessage(), e);
    } catch (TranslateException e) {
      throw new IllegalStateException("cannot read the data to score on: " + e.getMessage(), e);
    } finally {
      metric.resetAccumulator(ACCUMULATOR);
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
