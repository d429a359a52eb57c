package dev.ato.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scaling section sets each part of ATO against a plain step of the same network. */
class ScalingSectionTest {

  private static BenchmarkResult row() {
    Map<String, Double> f = new LinkedHashMap<>();
    network(f, "resnet20", 0.2, 0.002, 0.16, 1.0, 1.0, 1.5);
    network(f, "resnet50_224", 4.0, 0.2, 4.4, 20.0, 4.0, 5.0);
    return new BenchmarkResult(
        "scaling",
        "scaling",
        "mvn ... scaling",
        "2026-12-07T08:00:00Z",
        Map.of("cpu", "Test CPU", "cores", "2", "onednn_isa", "AVX512"),
        Map.of(
            "networks",
            "resnet20: CIFAR ResNet-20, input (1, 28, 28), batch 64; resnet50_224: ResNet-50 (DJL"
                + " zoo), input (3, 224, 224), batch 8"),
        f);
  }

  private static void network(
      Map<String, Double> f,
      String name,
      double step,
      double projection,
      double update,
      double build,
      double plainGib,
      double atoGib) {
    f.put(name + "_plain_step_seconds", step);
    f.put(name + "_plain_peak_bytes", plainGib * 1024 * 1024 * 1024);
    f.put(name + "_read_seconds", build / 4);
    f.put(name + "_groups_seconds", build / 8);
    f.put(name + "_cost_seconds", build / 16);
    f.put(name + "_groups", 100.0);
    f.put(name + "_controller_blocks", 10.0);
    f.put(name + "_macs", 1_000_000.0);
    f.put(name + "_layers", 60.0);
    f.put(name + "_build_seconds", build);
    f.put(name + "_projection_seconds", projection);
    f.put(name + "_controller_update_seconds", update);
    f.put(name + "_ato_peak_bytes", atoGib * 1024 * 1024 * 1024);
  }

  private static String page() {
    return BenchmarkPage.render(List.of(row()), Path.of("results"));
  }

  @Test
  void theNetworksAreReadFromTheFigures() {
    assertThat(ScalingSection.networks(row())).containsExactly("resnet20", "resnet50_224");
  }

  @Test
  void eachPartIsSetAgainstAPlainStepOfTheSameNetwork() {
    // ResNet-20: 0.002 / 0.2 = 1.0% of a step; 0.16 / 0.2 = 0.80 steps.
    assertThat(page())
        .contains(
            "| CIFAR ResNet-20, input (1, 28, 28), batch 64 | 1,000,000 | 100 | 10 | 1.00 (0.25,"
                + " 0.13, 0.06) | 0.200 | 0.0020 s, 1.0% of a step | 0.160 s, 0.80 steps | 1.00 /"
                + " 1.50 GiB |");
  }

  @Test
  void theSpreadNamesTheNetworksAtBothEnds() {
    // Projection: 1.0% (ResNet-20) to 5.0% (ResNet-50); build: 5x to 5x; memory 1.25x to 1.5x.
    assertThat(page())
        .contains(
            "- Projection per step, as a share of a plain step: from 1.0% (CIFAR ResNet-20, input"
                + " (1, 28, 28), batch 64) to 5.0% (ResNet-50 (DJL zoo), input (3, 224, 224),"
                + " batch 8).")
        .contains("- ATO's peak memory over plain training's: from 1.25x (ResNet-50 (DJL zoo)");
  }
}
