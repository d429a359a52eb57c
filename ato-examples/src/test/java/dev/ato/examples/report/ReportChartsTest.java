package dev.ato.examples.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ato.examples.report.RunTrace.StepSample;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportChartsTest {

  private static StepSample kept(long step, double flopsKept) {
    return new StepSample(step, 0.0, flopsKept);
  }

  @Test
  void maskPathStepsWhereTheMaskChangesAndEndsAtTheLastSample() {
    List<double[]> path =
        ReportCharts.maskPath(
            List.of(kept(0, 1.0), kept(1, 1.0), kept(2, 0.5), kept(3, 0.5), kept(4, 0.5)));

    assertThat(path)
        .containsExactly(
            new double[] {0, 100},
            new double[] {2, 100},
            new double[] {2, 50},
            new double[] {4, 50});
  }

  @Test
  void maskPathOfAnUnchangedMaskIsItsFirstAndLastSample() {
    List<double[]> path =
        ReportCharts.maskPath(List.of(kept(10, 0.8), kept(20, 0.8), kept(30, 0.8)));

    assertThat(path).containsExactly(new double[] {10, 80}, new double[] {30, 80});
  }

  @Test
  void maskPathOfOneSampleIsThatSample() {
    assertThat(ReportCharts.maskPath(List.of(kept(7, 0.25)))).containsExactly(new double[] {7, 25});
  }
}
