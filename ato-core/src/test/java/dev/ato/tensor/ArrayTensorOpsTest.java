package dev.ato.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
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

  @Test
  void reductionsOfSeveralTensorsFollowOneAnother() {
    ArrayTensor bias = ArrayTensor.of(new float[] {-1, 2}, 2);

    // twoByThree along axis 1 (17, 29, 45), then the bias along its only axis (1, 4).
    assertThat(ops.sumOfSquares(List.of(twoByThree(), bias), new int[] {1, 0}))
        .containsExactly(17, 29, 45, 1, 4);
  }

  @Test
  void scalingSeveralTensorsTakesTheirFactorsOneTensorAfterAnother() {
    ArrayTensor t = twoByThree();
    ArrayTensor bias = ArrayTensor.of(new float[] {-1, 2}, 2);

    ops.scaleInPlace(List.of(t, bias), new int[] {0, 0}, new double[] {2, 0, 3, 0.5});

    assertThat(t.toArray()).containsExactly(2, 4, 6, 0, 0, 0);
    assertThat(bias.toArray()).containsExactly(-3, 1);
  }

  @Test
  void takeGathersByPosition() {
    assertThat(ops.take(new double[] {10, 20, 30}, new double[] {2, 0, 2}))
        .containsExactly(30, 10, 30);
  }

  @Test
  void rowSumsAddConsecutiveRuns() {
    assertThat(ops.rowSums(new double[] {1, 2, 3, 4, 5, 6}, 2)).containsExactly(6, 15);
  }

  @Test
  void splitCutsConsecutivePartsEmptyOnesIncluded() {
    List<double[]> parts = ops.split(new double[] {1, 2, 3}, 1, 0, 2);

    assertThat(parts).hasSize(3);
    assertThat(parts.get(0)).containsExactly(1);
    assertThat(parts.get(1)).isEmpty();
    assertThat(parts.get(2)).containsExactly(2, 3);
  }

  @Test
  void aVectorOfLengthOneStandsForItsValueEverywhere() {
    double[] v = {1, 4, 9};
    double[] one = {1};

    assertThat(ops.sub(one, v)).containsExactly(0, -3, -8);
    assertThat(ops.div(v, new double[] {2})).containsExactly(0.5, 2, 4.5);
    assertThat(ops.maximum(new double[] {4}, v)).containsExactly(4, 4, 9);
    assertThat(ops.lessThan(v, new double[] {4})).containsExactly(1, 0, 0);
  }

  @Test
  void elementwiseArithmeticFollowsIeeeDoubles() {
    assertThat(ops.sqrt(new double[] {0, 2.25})).containsExactly(0, 1.5);
    assertThat(ops.mul(new double[] {2, 3}, new double[] {0.5, -1})).containsExactly(1, -3);
    assertThat(ops.div(new double[] {1, 0}, new double[] {0, 0}))
        .containsExactly(Double.POSITIVE_INFINITY, Double.NaN);
    assertThat(ops.maximum(new double[] {0}, new double[] {Double.NaN}))
        .containsExactly(Double.NaN);
  }

  @Test
  void whereZeroPicksByTheTest() {
    assertThat(
            ops.whereZero(
                new double[] {0, 3, Double.NaN}, new double[] {-1}, new double[] {7, 8, 9}))
        .containsExactly(-1, 8, 9);
  }

  @Test
  void uploadAndDownloadCopy() {
    double[] values = {1, 2};
    double[] uploaded = ops.upload(values, twoByThree());
    values[0] = 5;

    assertThat(ops.download(uploaded)).containsExactly(1, 2);
  }

  @Test
  void vectorsOfDifferentLengthsDoNotCombine() {
    assertThatThrownBy(() -> ops.sub(new double[2], new double[3]))
        .hasMessage("vectors of lengths 2 and 3 do not combine elementwise");
  }

  @Test
  void aPositionOutsideTheSourceIsNamed() {
    assertThatThrownBy(() -> ops.take(new double[2], new double[] {2}))
        .hasMessage("position 2.0 is not an index of a vector of length 2");
  }

  @Test
  void scaledTensorsNeedOneFactorPerIndexOfTheirAxes() {
    assertThatThrownBy(
            () ->
                ops.scaleInPlace(
                    List.of(twoByThree(), twoByThree()), new int[] {0, 1}, new double[4]))
        .hasMessage("the axes have 5 indices but 4 factors given");
  }
}
