package dev.ato.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The Pareto front and table of a sweep's runs, on hand-made rows. */
class SweepResultTest {

  /** A run of 1,000 dense FLOPs keeping {@code flopsAfter}, with accuracy {@code accuracy}. */
  private static SweepRow run(double reduction, long seed, long flopsAfter, double accuracy) {
    return new SweepRow(
        new SweepPoint(reduction, seed), 1000, flopsAfter, 400, 200, "Accuracy", accuracy, true, 1);
  }

  @Test
  void theFrontHoldsTheRunsNoOtherBeatsOnBothFlopsAndAccuracy() {
    SweepRow small = run(0.7, 42, 300, 0.88);
    SweepRow middle = run(0.5, 42, 500, 0.91);
    SweepRow beaten = run(0.5, 43, 500, 0.90);
    SweepRow large = run(0.3, 42, 700, 0.90);

    SweepResult result = new SweepResult(List.of(small, middle, beaten, large), true);

    // beaten: same FLOPs as middle, lower accuracy; large: more FLOPs than middle, lower accuracy.
    assertThat(result.front()).containsExactly(small, middle);
  }

  @Test
  void forALossTheFrontPrefersTheLowerValue() {
    SweepRow small = run(0.7, 42, 300, 0.40);
    SweepRow large = run(0.3, 42, 700, 0.50);

    SweepResult result = new SweepResult(List.of(small, large), false);

    assertThat(result.front()).containsExactly(small);
  }

  @Test
  void theTableShowsEachRunsShareOfFlopsAndParametersAndWhetherItIsOnTheFront() {
    SweepResult result =
        new SweepResult(List.of(run(0.7, 42, 300, 0.88), run(0.3, 42, 700, 0.85)), true);

    assertThat(result.markdownTable())
        .contains("| -70.0% | 42 | 30.0% (300) | 50.0% (200) | 0.8800 | met | yes |")
        .contains("| -30.0% | 42 | 70.0% (700) | 50.0% (200) | 0.8500 | met |  |");
  }
}
