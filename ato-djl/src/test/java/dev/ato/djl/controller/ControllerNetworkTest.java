package dev.ato.djl.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The controller network's shape, parameters, fixed input and persistence. */
class ControllerNetworkTest {

  private static final List<Integer> BLOCKS = List.of(3, 1, 4);

  @Test
  void theLogitsHaveOneValuePerGroup() {
    try (Model model = controllerModel(ControllerNetwork.of(BLOCKS, 1))) {
      assertThat(logits(model)).hasSize(8);
    }
  }

  @Test
  void theTrainableParametersAreTheTwoGrusTheLayerNormAndTheHeads() {
    try (Model model = controllerModel(ControllerNetwork.of(BLOCKS, 1))) {
      // Each GRU direction: W_ih 3*128*64 = 24,576, W_hh 3*128*128 = 49,152, b_ih and b_hh
      // 384 each: 74,496; two directions 148,992. LayerNorm gamma + beta: 2*256 = 512. Heads:
      // 256 * (3 + 1 + 4) = 2,048. Total 151,552.
      long trainable =
          model.getBlock().getParameters().values().stream()
              .filter(Parameter::requiresGradient)
              .mapToLong(p -> p.getShape().size())
              .sum();
      assertThat(trainable).isEqualTo(151_552);
    }
  }

  @Test
  void theFixedInputIsNotTrainable() {
    try (Model model = controllerModel(ControllerNetwork.of(BLOCKS, 1))) {
      Parameter input = fixedInput(model);
      assertThat(input.requiresGradient()).isFalse();
      assertThat(input.getArray().hasGradient()).isFalse();
      assertThat(input.getShape().getShape()).containsExactly(3, 64);
    }
  }

  @Test
  void theFixedInputHasOrthonormalRowsUpTo64Blocks() {
    assertThat(gram(fixedInputValues(5), 5, 64, true)).containsExactly(identity(5), within(1e-5));
    assertThat(gram(fixedInputValues(64), 64, 64, true))
        .containsExactly(identity(64), within(1e-5));
  }

  @Test
  void theFixedInputHasOrthonormalColumnsBeyond64Blocks() {
    assertThat(gram(fixedInputValues(70), 70, 64, false))
        .containsExactly(identity(64), within(1e-5));
  }

  @Test
  void oneSeedGivesOneControllerAndAnotherSeedAnother() {
    float[] first;
    float[] again;
    float[] other;
    try (Model model = controllerModel(ControllerNetwork.of(BLOCKS, 42))) {
      first = logits(model);
    }
    try (Model model = controllerModel(ControllerNetwork.of(BLOCKS, 42))) {
      again = logits(model);
    }
    try (Model model = controllerModel(ControllerNetwork.of(BLOCKS, 43))) {
      other = logits(model);
    }
    assertThat(again).containsExactly(first);
    assertThat(other).isNotEqualTo(first);
  }

  @Test
  void aSavedControllerLoadsWithItsFixedInputWhichStaysFrozenForTraining(@TempDir Path dir)
      throws IOException, MalformedModelException {
    float[] saved;
    float[] savedInput;
    try (Model model = controllerModel(ControllerNetwork.of(BLOCKS, 5))) {
      saved = logits(model);
      savedInput = fixedInput(model).getArray().toFloatArray();
      model.save(dir, "controller");
    }

    try (Model model = Model.newInstance("controller")) {
      // Another seed: every value must come from the file.
      model.setBlock(ControllerNetwork.of(BLOCKS, 99));
      model.load(dir, "controller");
      // DJL unfreezes every parameter of a loaded model when a trainer is made for it.
      try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.l2Loss()))) {
        assertThat(fixedInput(model).getArray().toFloatArray()).containsExactly(savedInput);
        assertThat(fixedInput(model).requiresGradient()).isFalse();
        assertThat(trainer.forward(new NDList()).singletonOrThrow().toFloatArray())
            .containsExactly(saved);
      }
    }
  }

  @Test
  void anEmptyListOfBlocksIsRejected() {
    assertThatThrownBy(() -> ControllerNetwork.of(List.of(), 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "a controller network needs at least one block, found an empty list of "
                + "block sizes");
  }

  @Test
  void aBlockOfNoGroupsIsRejectedAndNamed() {
    assertThatThrownBy(() -> ControllerNetwork.of(List.of(2, 0, 1), 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("every controller block scores at least one group, found size 0 at block 1");
  }

  static Model controllerModel(ControllerNetwork network) {
    Model model = Model.newInstance("controller");
    model.setBlock(network);
    try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.l2Loss()))) {
      trainer.initialize();
    }
    return model;
  }

  private static float[] logits(Model model) {
    try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.l2Loss()))) {
      NDArray logits = trainer.forward(new NDList()).singletonOrThrow();
      return logits.toFloatArray();
    }
  }

  private static Parameter fixedInput(Model model) {
    return model.getBlock().getParameters().stream()
        .filter(pair -> pair.getKey().equals(ControllerNetwork.FIXED_INPUT))
        .map(Pair::getValue)
        .findFirst()
        .orElseThrow();
  }

  private static float[] fixedInputValues(int blocks) {
    Integer[] sizes = new Integer[blocks];
    Arrays.fill(sizes, 1);
    try (Model model = controllerModel(ControllerNetwork.of(List.of(sizes), 3))) {
      return fixedInput(model).getArray().toFloatArray();
    }
  }

  /** {@code X X^T} when {@code byRows}, else {@code X^T X}, for a row-major rows x columns X. */
  private static double[] gram(float[] x, int rows, int columns, boolean byRows) {
    int count = byRows ? rows : columns;
    int length = byRows ? columns : rows;
    double[] gram = new double[count * count];
    for (int i = 0; i < count; i++) {
      for (int j = 0; j < count; j++) {
        double dot = 0;
        for (int k = 0; k < length; k++) {
          dot +=
              byRows
                  ? x[i * columns + k] * x[j * columns + k]
                  : x[k * columns + i] * x[k * columns + j];
        }
        gram[i * count + j] = dot;
      }
    }
    return gram;
  }

  private static double[] identity(int size) {
    double[] identity = new double[size * size];
    for (int i = 0; i < size; i++) {
      identity[i * size + i] = 1;
    }
    return identity;
  }
}
