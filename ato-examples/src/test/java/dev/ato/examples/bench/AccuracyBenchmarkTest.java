package dev.ato.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AccuracyBenchmarkTest {

  @Test
  void aRowNameCarriesTheScaleSoThatRowsOfAnotherScaleDoNotReplaceIt() {
    assertThat(AccuracyBenchmark.rowName(20, 10_000, 4, "ato-group-lasso", 0.5))
        .isEqualTo("accuracy-resnet20_10000img_4ep-ato-group-lasso-50");
    assertThat(AccuracyBenchmark.rowName(20, 60_000, 12, "ato-group-lasso", 0.5))
        .isEqualTo("accuracy-resnet20_60000img_12ep-ato-group-lasso-50");
  }

  @Test
  void aDenseRowHasNoTarget() {
    assertThat(AccuracyBenchmark.rowName(20, 60_000, 12, "dense", 0))
        .isEqualTo("accuracy-resnet20_60000img_12ep-dense");
  }

  @Test
  void thePageReadsTheMethodBackFromTheRowName() {
    assertThat(
            BenchmarkPage.method(
                AccuracyBenchmark.rowName(56, 2_560, 1, "magnitude-fine-tuned", 0.65)))
        .isEqualTo("magnitude-fine-tuned");
  }
}
