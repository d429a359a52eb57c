package dev.ato.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AccuracyBenchmarkTest {

  @Test
  void aRowNameCarriesTheScaleSoThatRowsOfAnotherScaleDoNotReplaceIt() {
    assertThat(AccuracyBenchmark.rowName("resnet20", 10_000, 4, "ato-group-lasso", 0.5))
        .isEqualTo("accuracy-resnet20_10000img_4ep-ato-group-lasso-50");
    assertThat(AccuracyBenchmark.rowName("resnet20", 60_000, 12, "ato-group-lasso", 0.5))
        .isEqualTo("accuracy-resnet20_60000img_12ep-ato-group-lasso-50");
  }

  @Test
  void aMobileNetRowNamesItsWidthWithoutADash() {
    AccuracyBenchmark benchmark = new AccuracyBenchmark();
    benchmark.networkKind = AccuracyBenchmark.Network.MOBILENETV2;
    benchmark.mobileNetWidth = 1.0;

    assertThat(benchmark.networkTag()).isEqualTo("mobilenetv2w100");
    assertThat(
            BenchmarkPage.method(
                AccuracyBenchmark.rowName(benchmark.networkTag(), 60_000, 12, "dense", 0)))
        .isEqualTo("dense");
  }

  @Test
  void aResNetRowNamesItsDepth() {
    AccuracyBenchmark benchmark = new AccuracyBenchmark();
    benchmark.networkKind = AccuracyBenchmark.Network.RESNET;
    benchmark.depth = 20;

    assertThat(benchmark.networkTag()).isEqualTo("resnet20");
  }

  @Test
  void aDenseRowHasNoTarget() {
    assertThat(AccuracyBenchmark.rowName("resnet20", 60_000, 12, "dense", 0))
        .isEqualTo("accuracy-resnet20_60000img_12ep-dense");
  }

  @Test
  void thePageReadsTheMethodBackFromTheRowName() {
    assertThat(
            BenchmarkPage.method(
                AccuracyBenchmark.rowName("resnet56", 2_560, 1, "magnitude-fine-tuned", 0.65)))
        .isEqualTo("magnitude-fine-tuned");
  }
}
