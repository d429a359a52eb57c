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
    String tag = new RowNetwork.MobileNet(1.0).tag();

    assertThat(tag).isEqualTo("mobilenetv2w100");
    assertThat(BenchmarkPage.method(AccuracyBenchmark.rowName(tag, 60_000, 12, "dense", 0)))
        .isEqualTo("dense");
  }

  @Test
  void aResNetRowNamesItsDepth() {
    assertThat(new RowNetwork.ResNet(20).tag()).isEqualTo("resnet20");
  }

  @Test
  void theOptionsChooseTheNetworkEveryRowTrains() {
    AccuracyBenchmark benchmark = new AccuracyBenchmark();
    benchmark.networkKind = AccuracyBenchmark.Network.MOBILENETV2;
    benchmark.mobileNetWidth = 0.5;
    benchmark.depth = 56;

    assertThat(benchmark.rowNetwork()).isEqualTo(new RowNetwork.MobileNet(0.5));
  }

  @Test
  void uniformScalingNarrowsMobileNetInTwentiethsOfItsWidth() {
    RowNetwork half = new RowNetwork.MobileNet(0.5);

    assertThat(half.widthSteps()).isEqualTo(20);
    assertThat(half.widthOf(10)).isEqualTo("width multiplier 0.250 of 0.5");
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
