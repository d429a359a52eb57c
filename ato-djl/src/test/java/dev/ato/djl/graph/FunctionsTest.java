package dev.ato.djl.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.ato.djl.testing.ManagedTest;
import dev.ato.graph.Layer;
import org.junit.jupiter.api.Test;

/** The parameter-free layers as DJL operations, and the layers that are not. */
class FunctionsTest extends ManagedTest {

  @Test
  void aCeilModeMaxPoolAddsThePartialWindowsAtTheRightAndBottom() {
    // 0..24 in a 5x5 map, 2x2 windows at stride 2: rounding down covers rows and columns 0-3;
    // rounding up adds windows over column 4 and row 4 alone.
    NDArray x = manager.arange(25f).reshape(1, 1, 5, 5);

    assertThat(Functions.apply(new Layer.Pool2d(Layer.PoolKind.MAX, 2, 2, 0), x).toFloatArray())
        .containsExactly(6f, 8f, 16f, 18f);
    assertThat(
            Functions.apply(new Layer.Pool2d(Layer.PoolKind.MAX, 2, 2, 0, true), x).toFloatArray())
        .containsExactly(6f, 8f, 9f, 16f, 18f, 19f, 21f, 23f, 24f);
  }

  @Test
  void aLayerWithParametersIsNotAFunctionAndTheErrorNamesItsKind() {
    NDArray x = manager.ones(new Shape(1, 2, 4, 4));

    assertThatThrownBy(
            () ->
                Functions.apply(Layer.Conv2d.builder().setFilters(3).setKernelShape(1).build(), x))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("'conv2d' is not a parameter-free layer of one input");
  }

  @Test
  void aJoinIsNotAFunctionOfOneArray() {
    NDArray x = manager.ones(new Shape(1, 2, 4, 4));

    assertThatThrownBy(() -> Functions.apply(new Layer.Concat(), x))
        .hasMessageStartingWith("'concat' is not a parameter-free layer of one input");
  }
}
