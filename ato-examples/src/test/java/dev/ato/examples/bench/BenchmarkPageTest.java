package dev.ato.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchmarkPageTest {
  private static final Path RESULTS = Path.of("benchmarks/results");

  private static String page(Map<String, Double> changes) {
    return BenchmarkPage.render(List.of(SpeedResults.with(changes)), RESULTS);
  }

  @Test
  void aPageWithoutResultsSaysSo() {
    assertThat(BenchmarkPage.render(List.of(), RESULTS)).contains("No speed row is stored yet");
  }

  @Test
  void theRowNamesItsCommandDateAndMachine() {
    assertThat(page(Map.of())).contains("Command: `mvn ... speed`")
        .contains("Ran 2026-12-03T16:00:00Z on Test CPU, 2 cores")
        .contains("ONEDNN_MAX_CPU_ISA SSE41");
  }

  @Test
  void anOverheadAboveTenPercentIsMissed() {
    // 0.56 / 0.5 - 1 = +12%.
    assertThat(page(Map.of())).contains(
        "| ATO overhead over plain DJL, controller every 20 steps | +12.0% | at most +10.0% "
            + "| **missed** |");
  }

  @Test
  void anOverheadOfFivePercentIsMet() {
    assertThat(page(Map.of("ato_interval_20_step_seconds", 0.525))).contains(
        "| ATO overhead over plain DJL, controller every 20 steps | +5.0% | at most +10.0% "
            + "| met |");
  }

  @Test
  void theInferenceSpeedUpIsSetAgainstTheFlopsRatio() {
    // 1.6x of an ideal 2x is 0.80 (met); 1.0x is 0.50 (missed).
    assertThat(page(Map.of()))
        .contains("| inference speed-up at batch 64, share of the FLOPs ratio | 0.80 | at least "
            + "0.80 | met |")
        .contains("| inference speed-up at batch 1, share of the FLOPs ratio | 0.50 | at least "
            + "0.80 | **missed** |");
  }

  @Test
  void throughputIsSetAgainstPytorchAtTheSameIsa() {
    // PyTorch 0.5 s per step: plain DJL 0.5 -> 1.00, ATO 0.56 -> 0.89 (missed by a hair).
    assertThat(page(Map.of()))
        .contains("| plain DJL throughput / PyTorch eager, same ISA | 1.00 | at least 0.95 | met |")
        .contains("| ATO (every 20 steps) throughput / PyTorch eager, same ISA | 0.89 | at least "
            + "0.90 | **missed** |")
        .contains("| plain DJL (`EasyTrain.fit`) | 0.5000 (0.4500-0.5500) | 256 | 1.00x | 1.00x |");
  }

  @Test
  void widthsAreComparedWithTheWidestNetwork() {
    assertThat(page(Map.of())).contains("| 11 | 500 | 0.50 | 120.00 | 1.20 |");
  }

  @Test
  void withoutThePeerThePytorchRowsAreLeftOut() {
    BenchmarkResult full = SpeedResults.with(Map.of());
    Map<String, Double> figures = new java.util.LinkedHashMap<>(full.figures());
    figures.keySet().removeIf(k -> k.startsWith("pytorch"));
    BenchmarkResult noPeer = new BenchmarkResult(full.row(), full.kind(), full.command(),
        full.date(), full.machine(), full.settings(), figures);
    assertThat(BenchmarkPage.render(List.of(noPeer), RESULTS)).doesNotContain("PyTorch eager")
        .contains("| plain DJL (`EasyTrain.fit`) | 0.5000 (0.4500-0.5500) | 256 | 1.00x |\n");
  }
}
