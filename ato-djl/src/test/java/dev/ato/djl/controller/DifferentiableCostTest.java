package dev.ato.djl.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.ato.architectures.Architectures;
import dev.ato.cost.CostModel;
import dev.ato.graph.ChannelGraph;
import dev.ato.graph.ChannelShape;
import dev.ato.groups.ZeroInvariantGroups;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The NDArray FLOPs ratio is the core cost model's, on ResNet-20's groups. */
class DifferentiableCostTest extends EngineTest {

  private static CostModel cost;

  @BeforeAll
  static void resnet20() {
    ChannelGraph graph = Architectures.resnetCifar(20, ChannelShape.spatial(3, 32, 32), 10);
    cost = CostModel.of(graph, ZeroInvariantGroups.find(graph));
  }

  @Test
  void theRatioIsOneWhenEveryGroupIsKept() {
    double[] ones = new double[cost.groupCount()];
    Arrays.fill(ones, 1);
    assertThat(ratio(ones)).isCloseTo(1, within(1e-5));
  }

  @Test
  void theRatioEqualsTheCoreCostModelForARandomHardMask() {
    SplittableRandom random = new SplittableRandom(3);
    double[] keep = new double[cost.groupCount()];
    for (int i = 0; i < keep.length; i++) {
      keep[i] = random.nextBoolean() ? 1 : 0;
    }
    double expected = cost.prunableFlops(keep) / cost.prunableFlops();

    assertThat(ratio(keep)).isCloseTo(expected, within(1e-5 * expected));
  }

  @Test
  void theRatioEqualsTheCoreCostModelForASoftMask() {
    double[] keep = soft(4);
    double expected = cost.prunableFlops(keep) / cost.prunableFlops();

    assertThat(ratio(keep)).isCloseTo(expected, within(1e-5 * expected));
  }

  @Test
  void theGradientEqualsTheCoreCostModelsCentralDifferences() {
    double[] keep = soft(5);
    NDArray keepArray = floats(keep);
    keepArray.setRequiresGradient(true);
    try (DifferentiableCost flops = DifferentiableCost.of(cost, manager);
        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      collector.backward(flops.flopsRatio(keepArray));
    }

    // The cost is bilinear in each keep value, so a central difference is exact but for rounding.
    double[] expected = new double[keep.length];
    double step = 0.25;
    for (int g = 0; g < keep.length; g++) {
      double[] up = keep.clone();
      double[] down = keep.clone();
      up[g] += step;
      down[g] -= step;
      expected[g] =
          (cost.prunableFlops(up) - cost.prunableFlops(down)) / (2 * step) / cost.prunableFlops();
    }
    double largest = Arrays.stream(expected).map(Math::abs).max().orElseThrow();
    assertThat(largest).isPositive();
    assertThat(doubles(keepArray.getGradient())).containsExactly(expected, within(1e-5 * largest));
  }

  @Test
  void theConstantsOutliveTheCallersScopeAndAreFreedOnClose() {
    int before = manager.getManagedArrays().size();
    DifferentiableCost flops;
    try (NDScope ignored = new NDScope()) {
      flops = DifferentiableCost.of(cost, manager);
    }
    double[] ones = new double[cost.groupCount()];
    Arrays.fill(ones, 1);
    try (NDScope ignored = new NDScope()) {
      assertThat(flops.flopsRatio(floats(ones)).getFloat()).isCloseTo(1f, within(1e-5f));
    }
    flops.close();

    assertThat(manager.getManagedArrays()).hasSize(before);
  }

  @Test
  void aKeepVectorOfAnotherLengthIsRejected() {
    try (DifferentiableCost flops = DifferentiableCost.of(cost, manager)) {
      assertThatThrownBy(() -> flops.flopsRatio(manager.ones(new Shape(3))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "the keep vector must have shape ("
                  + cost.groupCount()
                  + "), one value per group, found (3)");
    }
  }

  private double ratio(double[] keep) {
    try (DifferentiableCost flops = DifferentiableCost.of(cost, manager)) {
      return flops.flopsRatio(floats(keep)).getFloat();
    }
  }

  private static double[] soft(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] keep = new double[cost.groupCount()];
    for (int i = 0; i < keep.length; i++) {
      keep[i] = random.nextDouble();
    }
    return keep;
  }
}
