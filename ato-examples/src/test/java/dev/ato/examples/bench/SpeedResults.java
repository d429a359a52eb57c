package dev.ato.examples.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** A hand-made speed result, every figure chosen so that the page's ratios are easy to check. */
final class SpeedResults {
  private SpeedResults() {}

  static BenchmarkResult with(Map<String, Double> changes) {
    Map<String, Double> f = new LinkedHashMap<>();
    loop(f, "plain_djl", 0.5);
    loop(f, "ato_defaults", 0.56);
    loop(f, "ato_interval_20", 0.525);
    loop(f, "pytorch", 0.5);
    loop(f, "pytorch_own_isa", 0.125);
    range(f, "ato_defaults_vs_plain", 0.89, 0.85, 0.95);
    range(f, "ato_interval_20_vs_plain", 0.95, 0.9, 1.0);
    range(f, "plain_djl_vs_pytorch", 1.0, 0.96, 1.04);
    range(f, "ato_defaults_vs_pytorch", 0.89, 0.85, 0.89);
    range(f, "plain_djl_vs_pytorch_own_isa", 0.25, 0.24, 0.26);
    range(f, "projection_share", 0.008, 0.006, 0.02);
    f.put("batch", 128.0);
    f.put("repeats", 5.0);
    f.put("controller_update_in_steps", 1.25);
    f.put("controller_updates", 77.0);
    f.put("controller_interval", 1.0);
    f.put("channel_multiple", 8.0);
    f.put("flops_reduction", 0.5);
    f.put("flops_ratio", 2.0);
    f.put("inference_dense_seconds_batch_1", 0.004);
    f.put("inference_compressed_seconds_batch_1", 0.004);
    range(f, "inference_speedup_batch_1", 1.0, 0.96, 1.04);
    f.put("inference_dense_seconds_batch_64", 0.064);
    f.put("inference_compressed_seconds_batch_64", 0.04);
    range(f, "inference_speedup_batch_64", 1.6, 1.6, 1.7);
    f.put("unrounded_flops_reduction", 0.5);
    f.put("unrounded_flops_ratio", 2.0);
    f.put("inference_unrounded_dense_seconds_batch_1", 0.004);
    f.put("inference_unrounded_compressed_seconds_batch_1", 0.004);
    range(f, "inference_unrounded_speedup_batch_1", 1.0, 1.0, 1.0);
    f.put("inference_unrounded_dense_seconds_batch_64", 0.068);
    f.put("inference_unrounded_compressed_seconds_batch_64", 0.04);
    range(f, "inference_unrounded_speedup_batch_64", 1.7, 1.5, 1.8);
    f.put("inference_width_16_macs", 1000.0);
    f.put("inference_width_16_seconds_batch_64", 0.1);
    f.put("inference_width_11_macs", 500.0);
    f.put("inference_width_11_seconds_batch_64", 0.12);
    f.putAll(changes);
    return new BenchmarkResult(
        "speed-test",
        "speed",
        "mvn ... speed",
        "2026-12-03T16:00:00Z",
        Map.of(
            "cpu",
            "Test CPU",
            "cores",
            "2",
            "memory",
            "1.0 GiB",
            "os",
            "Linux",
            "java",
            "Java 17",
            "engine",
            "PyTorch 2.7.1",
            "onednn_isa",
            "SSE41",
            "threads",
            "2 intra-op, 1 inter-op"),
        Map.of("network", "a test network"),
        f);
  }

  private static void loop(Map<String, Double> f, String name, double seconds) {
    range(f, name + "_step_seconds", seconds, seconds * 0.9, seconds * 1.1);
  }

  private static void range(
      Map<String, Double> f, String name, double median, double min, double max) {
    f.put(name, median);
    f.put(name + "_min", min);
    f.put(name + "_max", max);
  }
}
