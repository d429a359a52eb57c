package dev.ato.djl;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import dev.ato.djl.engine.NoGrad;
import dev.ato.djl.tensor.InPlace;
import java.util.ArrayList;
import java.util.List;

/**
 * Batch-norm running statistics re-estimated for the weights as they are, for one scoring, and the
 * run's own put back when closed.
 *
 * <p>While the projection pulls groups to zero, the weights change faster than the running means
 * and variances follow (DJL's momentum 0.9 averages about the last ten batches): a network scored
 * in inference mode then reads its layers with statistics of weights it no longer has, and the
 * error compounds over its batch norms. A CIFAR MobileNetV2 at width 0.35, cut to 30% of its FLOPs
 * in 95 steps, scored 0.10 that way where the same weights score 0.69 with their batch statistics
 * (docs/method.md, "Validation inside the window"). Forward passes in training mode over a few
 * training batches, without autograd, bring the statistics to the present weights. Restoring the
 * run's own afterwards keeps the run itself the same whether or not it is validated.
 */
final class BatchNormStatistics implements AutoCloseable {

  /**
   * Training batches of a re-estimate: DJL's momentum leaves 0.9^20, 12%, of the old statistics.
   */
  static final int BATCHES = 20;

  private final List<Parameter> statistics;
  private final List<float[]> saved;

  private BatchNormStatistics(List<Parameter> statistics, List<float[]> saved) {
    this.statistics = statistics;
    this.saved = saved;
  }

  /**
   * Saves the running statistics of {@code trainer}'s model, then re-estimates them from at most
   * {@code batches} batches of {@code train} (fewer when the data has fewer).
   *
   * @return the re-estimate, which puts the saved statistics back when closed; a no-op for a model
   *     without batch norm or for 0 batches
   */
  static BatchNormStatistics reestimated(Trainer trainer, Dataset train, int batches) {
    checkArgument(batches >= 0, "batches of a re-estimate must not be negative, got %s", batches);
    if (batches == 0) {
      return new BatchNormStatistics(List.of(), List.of());
    }
    Block block = trainer.getModel().getBlock();
    List<Parameter> statistics = new ArrayList<>();
    List<float[]> saved = new ArrayList<>();
    for (Parameter parameter : block.getParameters().values()) {
      if (parameter.getType() == Parameter.Type.RUNNING_MEAN
          || parameter.getType() == Parameter.Type.RUNNING_VAR) {
        statistics.add(parameter);
        saved.add(parameter.getArray().toFloatArray());
      }
    }
    if (!statistics.isEmpty()) {
      forwardInTrainingMode(trainer, block, train, batches);
    }
    return new BatchNormStatistics(statistics, saved);
  }

  private static void forwardInTrainingMode(
      Trainer trainer, Block block, Dataset train, int batches) {
    int seen = 0;
    try (NoGrad ignored = NoGrad.enter()) {
      for (Batch batch : Batches.of(trainer, train, "training")) {
        try (batch) {
          // Training mode: each batch norm normalises by the batch and moves its running
          // statistics towards it; the forward pass's arrays go to the batch's manager.
          block.forward(new ParameterStore(batch.getManager(), false), batch.getData(), true);
        }
        if (++seen == batches) {
          break;
        }
      }
    }
  }

  /** Puts the running statistics back as they were before the re-estimate. */
  @Override
  public void close() {
    for (int i = 0; i < statistics.size(); i++) {
      NDArray array = statistics.get(i).getArray();
      InPlace.copy(saved.get(i), array);
    }
  }
}
