package dev.ato.djl.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The engine check's reference convolution is right, and the engine these tests run on computes
 * convolutions as the reference does: the build starts the test JVMs with the oneDNN setting the
 * check chose, so every other test here trains and compresses on correct kernels.
 */
class EngineCheckTest {

  @Test
  void theReferenceConvolvesAndDifferentiatesAsByHand() {
    // One 3x3 image 1..9, a 3x3 kernel of ones, padding 1, upstream gradient of ones.
    EngineCheck.Reference reference = new EngineCheck.Reference(1, 1, 3, 1, 1, 1, 3);
    float[] image = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    float[] ones = {1, 1, 1, 1, 1, 1, 1, 1, 1};

    reference.compute(image, ones, ones);

    // Each output sums the image under the kernel: corner 1+2+4+5, edge 1+2+3+4+5+6, centre all.
    assertThat(reference.output).containsExactly(12, 21, 16, 27, 45, 33, 24, 39, 28);
    // Each weight sums the image values it meets over the nine positions: the same windows.
    assertThat(reference.weightGradient).containsExactly(12, 21, 16, 27, 45, 33, 24, 39, 28);
    // Each input value reaches as many outputs as kernel positions cover it.
    assertThat(reference.inputGradient).containsExactly(4, 6, 4, 6, 9, 6, 4, 6, 4);
  }

  @Test
  void theEngineTheTestsRunOnComputesConvolutionsCorrectly() {
    assertThat(EngineCheck.convolutionDefect()).isEmpty();
  }
}
