package dev.ato.djl;

import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.evaluator.Evaluator;
import ai.djl.training.loss.Loss;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;
import dev.ato.djl.engine.NoGrad;
import java.util.List;

/**
 * How a run is scored: the metric (an evaluator of the user's, top-1 accuracy for a classifier that
 * names none, else the loss), scored during training through DJL's own evaluation path and, at the
 * end, on the masked and the compressed network.
 */
final class Validation {

  private Validation() {}

  /** Whether the loss is a classifier's: its labels are class indices, checked before training. */
  static boolean isClassification(Loss loss) {
    return loss instanceof SoftmaxCrossEntropyLoss;
  }

  /**
   * The run's metric: the one asked for, else the user's first evaluator, else top-1 accuracy for a
   * classifier, else the loss itself.
   */
  static Evaluator metric(Evaluator asked, List<Evaluator> userEvaluators, Loss loss) {
    if (asked != null) {
      return asked;
    }
    if (!userEvaluators.isEmpty()) {
      return userEvaluators.get(0);
    }
    return isClassification(loss) ? new Accuracy() : loss;
  }

  /**
   * One pass over {@code data} through DJL's validation path ({@link EasyTrain#evaluateDataset}),
   * without autograd, so the trainer's evaluators and listeners hear it as a validation epoch.
   */
  static void evaluateOnTrainer(Trainer trainer, Dataset data) {
    try (NoGrad ignored = NoGrad.enter()) {
      Batches.reading(
          "validation",
          () -> {
            EasyTrain.evaluateDataset(trainer, data);
            return null;
          });
    }
  }
}
