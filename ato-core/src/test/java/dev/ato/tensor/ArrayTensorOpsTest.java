package dev.ato.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ArrayTensorOpsTest {

  private final ArrayTensorOps ops = ArrayTensorOps.INSTANCE;

  /** [[1, 2, 3], [4, 5, 6]]. */
  private static ArrayTensor twoByThree() {
    return ArrayTensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
  }

  @Test
  void sumOfSquaresReducesEverythingButTheAxis() {
    assertThat(ops.sumOfSquares(twoByThree(), 0)).containsExactly(1 + 4 + 9, 16 + 25 + 36);
    assertThat(ops.sumOfSquares(twoByThree(), 1)).containsExactly(1 + 16, 4 + 25, 9 + 36);
  }

  @Test
  void dotPairsTheTwoTensorsIndexByIndex() {
    ArrayTensor ones = ArrayTensor.of(new float[] {1, 1, 1, 0, 0, 2}, 2, 3);

    assertThat(ops.dot(twoByThree(), ones, 0)).containsExactly(6, 12);
  }

  @Test
  void scaleInPlaceMultipliesEachSubTensorByItsFactor() {
    ArrayTensor t = twoByThree();

    ops.scaleInPlace(t, 1, new double[] {0, 1, 0.5});

    assertThat(t.toArray()).containsExactly(0, 2, 1.5f, 0, 5, 3);
  }

  @Test
  void aThreeAxisTensorIsReducedAlongItsMiddleAxis() {
    // shape [2, 2, 2]: index 1 of axis 1 holds 3, 4, 7, 8.
    ArrayTensor t = ArrayTensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 2, 2);

    assertThat(ops.sumOfSquares(t, 1)).containsExactly(1 + 4 + 25 + 36, 9 + 16 + 49 + 64);
  }

  @Test
  void valuesMustFillTheShape() {
    assertThatThrownBy(() -> ArrayTensor.of(new float[5], 2, 3))
        .hasMessage("shape [2, 3] holds 6 values but 5 were given");
  }

  @Test
  void oneFactorPerIndexOfTheAxis() {
    assertThatThrownBy(() -> ops.scaleInPlace(twoByThree(), 0, new double[3]))
        .hasMessage("axis 0 has 2 indices but 3 factors given");
  }
}
