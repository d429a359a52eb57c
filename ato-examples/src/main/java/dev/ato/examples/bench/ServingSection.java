package dev.ato.examples.bench;

import static dev.ato.examples.bench.BenchmarkPage.format;
import static dev.ato.examples.bench.BenchmarkPage.percent;

import java.util.List;

/**
 * The page's serving sections: a deploy row (dense against compressed in DJL, ONNX Runtime and
 * PyTorch frozen, with the serving targets) and a channels row (what each channel multiple buys in
 * each runtime).
 */
final class ServingSection {

  /** The serving targets of issue 25. */
  static final double MIN_ONNX_SPEEDUP_BATCH_1 = 1.2;

  static final double MAX_ONNX_VS_PYTORCH_FROZEN_BATCH_1 = 0.5;

  private ServingSection() {}

  /** A network, as the figures name it, and as the page does. */
  private record Network(String figure, String shown) {}

  private static final List<Network> DJL =
      List.of(
          new Network("dense", "dense (the model as trained, DJL's blocks)"),
          new Network("dense_inference", "dense, batch norms folded"),
          new Network("trainable", "compressed, trainable form"),
          new Network("inference", "compressed, inference form (the one to serve)"));
  private static final List<Network> ONNX =
      List.of(
          new Network("dense", "dense"),
          new Network("inference", "compressed, inference form (model.onnx)"));

  static void render(StringBuilder page, BenchmarkResult r) {
    page.append("\n## Serving, dense against compressed (`").append(r.row()).append("`)\n\n");
    BenchmarkPage.header(page, r);
    int batch = (int) r.figure("batch");
    double ratio = r.figure("flops_ratio");
    page.append("\nThe ATO run removed ")
        .append(percent(r.figure("flops_reduction")))
        .append(" of the FLOPs (target ")
        .append(percent(r.figure("target_reduction")))
        .append(", ")
        .append(r.figure("target_met") == 1 ? "met" : "**missed**")
        .append("): the ideal speed-up is ")
        .append(format(ratio, 2))
        .append("x.\n\n")
        .append(
            "| runtime | network | batch | ms (min-max) | speed-up | share of the FLOPs "
                + "ratio |\n| --- | --- | --- | --- | --- | --- |\n");
    boolean peer = r.figures().containsKey("pytorch_dense_seconds_batch_1");
    for (int size : new int[] {1, batch}) {
      rows(page, r, "DJL", "djl_", DJL, size, ratio);
      rows(page, r, "ONNX Runtime", "onnx_", ONNX, size, ratio);
      if (peer) {
        String name = "pytorch_dense_seconds_batch_" + size;
        page.append("| PyTorch, frozen | dense | ")
            .append(size)
            .append(" | ")
            .append(milliseconds(r, name))
            .append(" |  |  |\n");
      }
    }
    page.append(
        "\nSpeed-ups are against the dense network in the same runtime: the median over "
            + "the rounds of each round's ratio. A target below is met or missed only when every "
            + "round is on the same side of it, else inconclusive: the figure is the median over "
            + "the rounds, with the lowest and highest.\n");
    page.append("\n| figure | measured (min-max) | target | |\n| --- | --- | --- | --- |\n");
    for (String runtime : List.of("djl_", "onnx_")) {
      String name = runtime + "inference_speedup_batch_" + batch;
      BenchmarkPage.rangeTarget(
          page,
          r,
          (runtime.equals("djl_") ? "DJL" : "ONNX Runtime")
              + ", batch "
              + batch
              + ": speed-up as a share of the FLOPs ratio",
          name,
          1 / ratio,
          SpeedSection.MIN_SHARE_OF_IDEAL_SPEEDUP,
          true,
          v -> format(v, 2));
    }
    BenchmarkPage.rangeTarget(
        page,
        r,
        "ONNX Runtime, batch 1: speed-up",
        "onnx_inference_speedup_batch_1",
        MIN_ONNX_SPEEDUP_BATCH_1,
        true,
        v -> format(v, 2) + "x");
    if (peer) {
      BenchmarkPage.rangeTarget(
          page,
          r,
          "ONNX Runtime's compressed network at batch 1: its time as a share "
              + "of PyTorch's frozen dense network's",
          "onnx_against_pytorch_batch_1",
          MAX_ONNX_VS_PYTORCH_FROZEN_BATCH_1,
          false,
          v -> format(v, 2));
    }
    fixedCost(page, r);
    offBlocks(page, r, batch, ratio);
  }

  /**
   * Why ONNX Runtime gains less than the FLOPs at the larger batch, when the channels were rounded
   * to less than the engine's block: the row's own figures and the channels table say how much that
   * costs.
   */
  private static void offBlocks(StringBuilder page, BenchmarkResult r, int batch, double ratio) {
    if (!r.figures().containsKey("engine_channel_block")) {
      return;
    }
    int block = (int) r.figure("engine_channel_block");
    int multiple = (int) r.figure("channel_multiple");
    double worst = r.figure("onnx_inference_speedup_batch_" + batch + "_min") / ratio;
    if (worst >= SpeedSection.MIN_SHARE_OF_IDEAL_SPEEDUP || multiple >= block) {
      return;
    }
    page.append("\nONNX Runtime at batch ")
        .append(batch)
        .append(": its kernels on this CPU ")
        .append("compute ")
        .append(block)
        .append(" channels at a time, and this network's kept ")
        .append("channels come in multiples of ")
        .append(multiple)
        .append(" (the rounding's ")
        .append("reason above: multiples of ")
        .append(block)
        .append(" cannot reach the budget), ")
        .append("so every layer whose count is not a multiple of ")
        .append(block)
        .append(" leaves its last block part-filled. The channel-multiples section below ")
        .append("times the same network at multiples of ")
        .append(multiple)
        .append(" and of ")
        .append(block)
        .append(" side by side.\n");
  }

  /**
   * A target row from a figure stored per round: met only when its lowest (or, for a ceiling, its
   * highest) value, scaled by {@code scale}, clears {@code goal}.
   */
  /**
   * DJL's batch-1 time of the inference forms, fitted as fixed + k x FLOPs through the dense and
   * the compressed one: what remains of its cost per layer.
   */
  private static void fixedCost(StringBuilder page, BenchmarkResult r) {
    double dense = r.figure("djl_dense_inference_seconds_batch_1");
    double compressed = r.figure("djl_inference_seconds_batch_1");
    double fixed = dense - (dense - compressed) / (1 - 1 / r.figure("flops_ratio"));
    double layers = r.figure("inference_layers");
    page.append("\nDJL at batch 1, folded: ")
        .append(format(1e3 * compressed, 3))
        .append(" ms for the compressed network; fitting time = fixed + k x FLOPs through the ")
        .append("dense and the compressed inference forms leaves ")
        .append(format(1e3 * Math.max(0, fixed), 3))
        .append(" ms of it fixed, whatever the ")
        .append("width: about ")
        .append(format(1e6 * Math.max(0, fixed) / layers, 0))
        .append(" microseconds for each of its ")
        .append(format(layers, 0))
        .append(" layers (a call into libtorch and a kernel launch each).\n");
  }

  private static void rows(
      StringBuilder page,
      BenchmarkResult r,
      String runtime,
      String prefix,
      List<Network> networks,
      int size,
      double ratio) {
    for (Network network : networks) {
      String name = prefix + network.figure() + "_seconds_batch_" + size;
      if (!r.figures().containsKey(name)) {
        continue;
      }
      double speedup = speedup(r, prefix, network.figure(), size);
      boolean compressed = !network.figure().startsWith("dense");
      page.append("| ")
          .append(runtime)
          .append(" | ")
          .append(network.shown())
          .append(" | ")
          .append(size)
          .append(" | ")
          .append(milliseconds(r, name))
          .append(" | ")
          .append(format(speedup, 2))
          .append("x | ")
          .append(compressed ? format(speedup / ratio, 2) : "")
          .append(" |\n");
    }
  }

  /**
   * A network's speed-up over the dense one at batch {@code size}: the median over the rounds of
   * each round's ratio, as the targets take it.
   */
  private static double speedup(BenchmarkResult r, String prefix, String network, int size) {
    return r.figure(prefix + network + "_speedup_batch_" + size);
  }

  private static String milliseconds(BenchmarkResult r, String name) {
    return format(1e3 * r.figure(name), 3)
        + " ("
        + format(1e3 * r.figure(name + "_min"), 3)
        + "-"
        + format(1e3 * r.figure(name + "_max"), 3)
        + ")";
  }

  /** What each channel multiple buys, in each runtime, against the FLOPs it removes. */
  static void renderChannels(StringBuilder page, BenchmarkResult r) {
    page.append("\n## Channel multiples (`").append(r.row()).append("`)\n\n");
    BenchmarkPage.header(page, r);
    List<Integer> multiples =
        r.figures().keySet().stream()
            .filter(k -> k.matches("m\\d+_flops_ratio"))
            .map(k -> Integer.parseInt(k.substring(1, k.indexOf('_'))))
            .sorted()
            .toList();
    List<Integer> batches =
        r.figures().keySet().stream()
            .filter(k -> k.matches("m\\d+_djl_dense_seconds_batch_\\d+"))
            .map(k -> Integer.parseInt(k.substring(k.lastIndexOf('_') + 1)))
            .distinct()
            .sorted()
            .toList();
    page.append(
        "\nSpeed-up of the compressed network over the dense one in the same runtime, "
            + "and its share of the FLOPs ratio in brackets.\n\n| multiple | FLOPs ratio | budget "
            + "met |");
    for (int size : batches) {
      page.append(" DJL trainable, batch ")
          .append(size)
          .append(" | DJL inference, batch ")
          .append(size)
          .append(" | ONNX Runtime, batch ")
          .append(size)
          .append(" |");
    }
    page.append("\n|").append(" --- |".repeat(3 + 3 * batches.size())).append('\n');
    for (int multiple : multiples) {
      String m = "m" + multiple + "_";
      double ratio = r.figure(m + "flops_ratio");
      page.append("| ")
          .append(multiple == 1 ? "1 (none)" : multiple)
          .append(" | ")
          .append(format(ratio, 2))
          .append("x | ")
          .append(r.figure(m + "budget_met") == 1 ? "yes" : "no")
          .append(" |");
      for (int size : batches) {
        for (String runtime : List.of("djl_trainable", "djl_inference", "onnx_inference")) {
          String dense =
              m + runtime.substring(0, runtime.indexOf('_')) + "_dense_seconds_batch_" + size;
          double speedup = r.figure(dense) / r.figure(m + runtime + "_seconds_batch_" + size);
          page.append(' ')
              .append(format(speedup, 2))
              .append("x (")
              .append(format(speedup / ratio, 2))
              .append(") |");
        }
      }
      page.append('\n');
    }
  }
}
