package dev.ato.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.loss.Loss;
import ai.djl.translate.TranslateException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ScoringTest {

  private NDManager manager;
  private Block identity;

  /** A linear layer that passes its two inputs through: its argmax is the larger input. */
  @BeforeEach
  void identityLayer() {
    manager = NDManager.newBaseManager();
    identity = Linear.builder().setUnits(2).optBias(false).build();
    identity.initialize(manager, DataType.FLOAT32, new Shape(1, 2));
    identity
        .getParameters()
        .get("weight")
        .getArray()
        .set(manager.create(new float[] {1, 0, 0, 1}, new Shape(2, 2)).toFloatArray());
  }

  @AfterEach
  void close() {
    manager.close();
  }

  /** Four records in batches of {@code batch}; the first three are classified right. */
  private ArrayDataset threeOfFourRight(int batch) {
    return new ArrayDataset.Builder()
        .setData(manager.create(new float[] {1, 0, 0, 1, 1, 0, 0, 1}, new Shape(4, 2)))
        .optLabels(manager.create(new float[] {0, 1, 0, 0}))
        .setSampling(batch, false)
        .build();
  }

  @Test
  void accuracyIsTheShareClassifiedRightOverEveryBatch() {
    // Batches of 3 and 1: accuracy counts records, not batches.
    assertThat(Scoring.accuracy(identity, threeOfFourRight(3))).isEqualTo(0.75);
  }

  @Test
  void anyEvaluatorScores() {
    // Softmax cross-entropy of logits (1, 0) for their own class: log(1 + e^-1) = 0.3133 on
    // the three right records, log(1 + e) = 1.3133 on the wrong one; the mean is 0.5633 (in
    // batches of two, the mean of the batches' means).
    double loss = Scoring.score(identity, Loss.softmaxCrossEntropyLoss(), threeOfFourRight(2));

    assertThat(loss).isCloseTo(0.5633, within(1e-4));
  }

  @Test
  void dataWithoutABatchScoresNaN() {
    ArrayDataset empty =
        new ArrayDataset.Builder()
            .setData(manager.create(new float[0], new Shape(0, 2)))
            .optLabels(manager.create(new float[0]))
            .setSampling(3, false)
            .build();

    assertThat(Scoring.accuracy(identity, empty)).isNaN();
  }

  @Test
  void aNetworkSeenAsAFunctionIsScoredLikeABlock() throws TranslateException {
    // The inputs themselves as logits, as the identity layer gives them, from another runtime.
    Scoring.Network passThrough = inputs -> new NDList(inputs.singletonOrThrow().duplicate());

    assertThat(Scoring.accuracy(passThrough, threeOfFourRight(3))).isEqualTo(0.75);
  }

  @Test
  void aNetworkIsScoredByAnyEvaluatorAsTheBlockItRuns() throws TranslateException {
    Scoring.Network passThrough = inputs -> new NDList(inputs.singletonOrThrow().duplicate());

    // The same figure as the block's, to the last digit: DJL's Accuracy in batches of 3 and 1.
    assertThat(Scoring.score(passThrough, new Accuracy(), threeOfFourRight(3)))
        .isEqualTo(Scoring.score(identity, new Accuracy(), threeOfFourRight(3)));
  }

  @Test
  void aNetworkThatFailsFailsTheScoring() {
    Scoring.Network failing =
        inputs -> {
          throw new TranslateException("the runtime refused the batch");
        };

    assertThatThrownBy(() -> Scoring.accuracy(failing, threeOfFourRight(3)))
        .isInstanceOf(TranslateException.class)
        .hasMessage("the runtime refused the batch");
  }
}
