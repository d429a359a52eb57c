package dev.ato.examples.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.DoubleFunction;

/**
 * Writes {@code docs/benchmarks.md} from stored results: every number on the page comes from a
 * result file, and each target says whether it was met and by how much it was missed.
 */
final class BenchmarkPage {
  /** The speed targets of issue 10, as the page states them. */
  static final double MAX_OVERHEAD = 0.10;

  static final double MAX_PROJECTION_SHARE = 0.03;
  static final double MIN_SHARE_OF_IDEAL_SPEEDUP = 0.8;
  static final double MIN_PLAIN_VS_PYTORCH = 0.95;
  static final double MIN_ATO_VS_PYTORCH = 0.9;

  /** The serving targets of issue 25. */
  static final double MIN_ONNX_SPEEDUP_BATCH_1 = 1.2;

  static final double MAX_ONNX_VS_PYTORCH_FROZEN_BATCH_1 = 0.5;

  private BenchmarkPage() {}

  static String render(List<BenchmarkResult> results, Path resultsDirectory) {
    StringBuilder page = new StringBuilder();
    page.append("# Benchmarks\n\n")
        .append("Written by the benchmark command from the result files in `")
        .append(resultsDirectory.toString().replace('\\', '/'))
        .append("/`, one per row; do not edit by hand. Run a row again with the command it ")
        .append("names, or write this page again from the stored rows with\n`")
        .append(String.format(Benchmarks.MAVEN_COMMAND, "page"))
        .append("`.\n")
        .append("Run one benchmark at a time and nothing else heavy beside it: two libtorch ")
        .append("processes on 2 cores slow each other down many times over.\n");
    List<BenchmarkResult> speed = results.stream().filter(r -> r.kind().equals("speed")).toList();
    if (speed.isEmpty()) {
      page.append("\nNo speed row is stored yet.\n");
    }
    speed.forEach(result -> speed(page, result));
    results.stream()
        .filter(r -> r.kind().equals("deploy"))
        .forEach(result -> ServingSection.render(page, result));
    results.stream()
        .filter(r -> r.kind().equals("channels"))
        .forEach(result -> ServingSection.renderChannels(page, result));
    accuracy(page, results.stream().filter(r -> r.kind().equals("accuracy")).toList());
    return page.toString();
  }

  /** The order of methods in an accuracy table, by the method part of the row name. */
  private static final List<String> METHOD_ORDER =
      List.of(
          "dense",
          "dense-for-magnitude",
          "ato-group-lasso",
          "ato-group-lasso-unrounded",
          "ato-group-lasso-rounded8",
          "ato-group-lasso-rounded16",
          "ato-half-space",
          "fixed-mask-half-space",
          "magnitude",
          "magnitude-fine-tuned",
          "uniform");

  /** The accuracy rows, one table per scale, dense first and then by FLOPs target. */
  private static void accuracy(StringBuilder page, List<BenchmarkResult> rows) {
    page.append("\n## Accuracy at a FLOPs budget\n\n");
    if (rows.isEmpty()) {
      page.append("No accuracy row is stored yet.\n");
      return;
    }
    page.append("Top-1 accuracy on the Fashion-MNIST test images of the network each method ")
        .append("ends with (for the pruned rows, the physically smaller one), every row ")
        .append("trained with one recipe. Mean over the seeds, with the lowest and highest.\n");
    Map<String, List<BenchmarkResult>> byScale = new TreeMap<>();
    rows.forEach(
        r -> byScale.computeIfAbsent(r.settings().get("scale"), k -> new ArrayList<>()).add(r));
    byScale.forEach(
        (scale, ofScale) -> {
          List<BenchmarkResult> ordered =
              ofScale.stream()
                  .sorted(
                      Comparator.comparingDouble(
                              (BenchmarkResult r) -> r.figure("target_reduction"))
                          .thenComparingInt(r -> METHOD_ORDER.indexOf(method(r.row()))))
                  .toList();
          BenchmarkResult denseRow =
              ordered.stream()
                  .filter(r -> method(r.row()).equals("dense"))
                  .findFirst()
                  .orElse(null);
          page.append("\n### ")
              .append(scale)
              .append("\n\n")
              .append("Recipe: ")
              .append(ordered.get(0).settings().get("recipe"))
              .append(".\n\n")
              .append("| method | FLOPs target | FLOPs removed | parameters removed | ")
              .append("test accuracy (min-max) | seeds | against dense | epochs | training min |\n")
              .append("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
          for (BenchmarkResult r : ordered) {
            double target = r.figure("target_reduction");
            double accuracy = r.figure("accuracy");
            page.append("| ")
                .append(r.settings().get("method"))
                .append(rounding(r))
                .append(" | ")
                .append(target == 0 ? "" : "-" + percent(target))
                .append(" | ")
                .append(target == 0 ? "" : "-" + percent(r.figure("flops_reduction")))
                .append(" | ")
                .append(target == 0 ? "" : "-" + percent(r.figure("parameter_reduction")))
                .append(" | ")
                .append(percent(accuracy))
                .append(" (")
                .append(percent(r.figure("accuracy_min")))
                .append("-")
                .append(percent(r.figure("accuracy_max")))
                .append(") | ")
                .append(format(r.figure("seeds"), 0))
                .append(" | ")
                .append(againstDense(r, denseRow))
                .append(" | ")
                .append(format(r.figure("epochs"), 0))
                .append(" | ")
                .append(format(r.figure("train_seconds") / 60, 1))
                .append(" |\n");
          }
          page.append("\nReading the table: every pruned row removes the FLOPs in its column from ")
              .append("the same network, so rows of one target compare at equal cost")
              .append(
                  ordered.stream().anyMatch(r -> method(r.row()).equals("uniform"))
                      ? "; uniform scaling can only change whole widths and lands near the target, "
                          + "not on it."
                      : ".")
              .append(' ')
              .append(epochsNote(ordered))
              .append(" A row's seeds differ in the initial weights, the ")
              .append("shuffling and the augmentation; a row of one seed has no spread measured, ")
              .append("so small differences between such rows may be noise. ")
              .append("\"training min\" is one run's wall time, stored with the row: runs of one ")
              .append("command on this kind of machine have differed by up to 40% in time, so it ")
              .append("compares no method's cost with another's (the controller-cost command ")
              .append("measures that in turns, docs/results.md).\n");
          page.append("\nThe rows were stored by these commands:\n\n");
          Map<String, List<String>> byCommand = new LinkedHashMap<>();
          ordered.forEach(
              r ->
                  byCommand
                      .computeIfAbsent(
                          "`"
                              + r.command()
                              + "` on "
                              + r.machine().get("cpu")
                              + ", "
                              + r.machine().get("cores")
                              + " cores, ONEDNN_MAX_CPU_ISA "
                              + r.machine().get("onednn_isa"),
                          k -> new ArrayList<>())
                      .add("`" + r.row() + "` (" + r.date() + ")"));
          byCommand.forEach(
              (command, stored) ->
                  page.append("- ")
                      .append(command)
                      .append(": ")
                      .append(String.join(", ", stored))
                      .append('\n'));
        });
  }

  /**
   * What an ATO row's channels were rounded to; rows stored before rounding was the builder's
   * default carry no such figure, and their channels were not rounded.
   */
  static String rounding(BenchmarkResult r) {
    String method = method(r.row());
    if (!method.startsWith("ato-") && !method.startsWith("fixed-mask")) {
      return "";
    }
    if (!r.figures().containsKey("channel_multiple_min")) {
      return " [channels not rounded: stored "
          + r.date().substring(0, 10)
          + ", before "
          + "rounding was the builder's default]";
    }
    if (method.contains("-rounded") || method.contains("-unrounded")) {
      return "";
    }
    double min = r.figure("channel_multiple_min");
    double max = r.figure("channel_multiple_max");
    String multiple = min == max ? format(min, 0) : format(min, 0) + " to " + format(max, 0);
    return " [channels in multiples of " + multiple + "]";
  }

  /**
   * A pruned row's accuracy against the dense row's, in points: only when both ran on one kind of
   * machine (CPU and oneDNN ISA), since kernels of other instruction sets sum in another order and
   * the runs drift apart.
   */
  static String againstDense(BenchmarkResult r, BenchmarkResult dense) {
    if (dense == null || r.figure("target_reduction") == 0) {
      return "";
    }
    if (!sameMachine(r, dense)) {
      return "(dense row from another machine)";
    }
    return String.format(
        Locale.ROOT, "%+.2f points", 100 * (r.figure("accuracy") - dense.figure("accuracy")));
  }

  private static boolean sameMachine(BenchmarkResult a, BenchmarkResult b) {
    return java.util.Objects.equals(a.machine().get("cpu"), b.machine().get("cpu"))
        && java.util.Objects.equals(a.machine().get("onednn_isa"), b.machine().get("onednn_isa"));
  }

  /** Whether the pruned rows of a table train equally long, which fine-tuning may not. */
  static String epochsNote(List<BenchmarkResult> rows) {
    List<Double> epochs =
        rows.stream()
            .filter(r -> r.figure("target_reduction") > 0)
            .map(r -> r.figure("epochs"))
            .distinct()
            .sorted()
            .toList();
    if (epochs.isEmpty()) {
      return "";
    }
    if (epochs.size() == 1) {
      return "Every pruned row trains for "
          + format(epochs.get(0), 0)
          + " epochs in all, fine-tuning included.";
    }
    return "The pruned rows do not all train equally long (from "
        + format(epochs.get(0), 0)
        + " to "
        + format(epochs.get(epochs.size() - 1), 0)
        + " epochs, fine-tuning included): the epochs column says how many.";
  }

  /**
   * The method part of an accuracy row's name, {@code accuracy-SCALE-METHOD[-TARGET]}, the scale
   * without dashes: {@code accuracy-resnet20_10000img_4ep-uniform-50} gives uniform.
   */
  static String method(String row) {
    return row.replaceFirst("^accuracy-[^-]+-", "").replaceFirst("-\\d+$", "");
  }

  private static void speed(StringBuilder page, BenchmarkResult r) {
    page.append("\n## Speed (`").append(r.row()).append("`)\n\n");
    header(page, r);
    boolean peer = r.figures().containsKey("pytorch_step_seconds");
    double batch = r.figure("batch");
    double plain = r.figure("plain_djl_step_seconds");
    double ato20 = r.figure("ato_interval_20_step_seconds");
    double ato1 = r.figure("ato_interval_1_step_seconds");
    page.append("\n### Training throughput\n\n")
        .append("Mean wall-clock seconds per training step (batch loading included), median of ")
        .append(format(r.figure("repeats"), 0))
        .append(" rounds with the lowest and highest.\n\n")
        .append("| loop | s per step (min-max) | images/s | vs plain DJL |")
        .append(
            peer
                ? " vs PyTorch, same ISA |\n| --- | --- | --- | --- | --- |\n"
                : "\n| --- | --- | --- | --- |\n");
    if (peer) {
      loopRow(page, r, "PyTorch eager, oneDNN ISA as ato's", "pytorch", batch, plain, true);
      loopRow(page, r, "PyTorch eager, oneDNN's own ISA", "pytorch_own_isa", batch, plain, true);
    }
    loopRow(page, r, "plain DJL (`EasyTrain.fit`)", "plain_djl", batch, plain, peer);
    loopRow(page, r, "ATO, controller every 20 steps", "ato_interval_20", batch, plain, peer);
    loopRow(page, r, "ATO, controller every step", "ato_interval_1", batch, plain, peer);

    boolean rounded = r.figures().containsKey("rounded_flops_ratio");
    page.append("\n### Inference, compressed against dense\n\n")
        .append("Forward passes in inference mode without autograd, the two networks taking ")
        .append("turns; median seconds. The compressed network is the one the ATO run with the ")
        .append("controller every 20 steps produced");
    if (rounded) {
      page.append("; the rounded one comes from the same run with `optChannelMultiple(")
          .append(format(r.figure("channel_multiple"), 0))
          .append(")`");
    }
    page.append(". The ideal speed-up is the FLOPs ratio.\n\n")
        .append("| compressed network | FLOPs removed | batch | dense ms | compressed ms | ")
        .append("speed-up | ideal | share of the ideal |\n")
        .append("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
    inferenceRows(page, r, "", "as the controller chose");
    if (rounded) {
      inferenceRows(
          page,
          r,
          "rounded_",
          "channels rounded to multiples of " + format(r.figure("channel_multiple"), 0));
    }

    widths(page, r);
    page.append("\n### Targets\n\n| figure | measured | target | |\n| --- | --- | --- | --- |\n");
    target(
        page,
        "ATO overhead over plain DJL, controller every 20 steps",
        ato20 / plain - 1,
        "at most +" + percent(MAX_OVERHEAD),
        ato20 / plain - 1 <= MAX_OVERHEAD,
        BenchmarkPage::signedPercent);
    target(
        page,
        "ATO overhead over plain DJL, controller every step",
        ato1 / plain - 1,
        "reported",
        null,
        BenchmarkPage::signedPercent);
    double share = r.figure("projection_share");
    target(
        page,
        "projection's share of a projecting step (median; highest "
            + percent(r.figure("projection_share_max"))
            + ")",
        share,
        "at most " + percent(MAX_PROJECTION_SHARE),
        share <= MAX_PROJECTION_SHARE,
        BenchmarkPage::percent);
    target(
        page,
        "one controller update (median of "
            + format(r.figure("controller_updates"), 0)
            + "), in training steps",
        r.figure("controller_update_in_steps"),
        "reported",
        null,
        v -> format(v, 2));
    for (String prefix : rounded ? List.of("", "rounded_") : List.of("")) {
      for (int size : new int[] {64, 1}) {
        double of =
            r.figure("inference_" + prefix + "speedup_batch_" + size)
                / r.figure(prefix + "flops_ratio");
        target(
            page,
            "inference speed-up at batch "
                + size
                + ", share of the FLOPs ratio"
                + (prefix.isEmpty() ? "" : ", channels rounded"),
            of,
            "at least " + format(MIN_SHARE_OF_IDEAL_SPEEDUP, 2),
            of >= MIN_SHARE_OF_IDEAL_SPEEDUP,
            v -> format(v, 2));
      }
    }
    if (peer) {
      double torch = r.figure("pytorch_step_seconds");
      target(
          page,
          "plain DJL throughput / PyTorch eager, same ISA",
          torch / plain,
          "at least " + format(MIN_PLAIN_VS_PYTORCH, 2),
          torch / plain >= MIN_PLAIN_VS_PYTORCH,
          v -> format(v, 2));
      target(
          page,
          "ATO (every 20 steps) throughput / PyTorch eager, same ISA",
          torch / ato20,
          "at least " + format(MIN_ATO_VS_PYTORCH, 2),
          torch / ato20 >= MIN_ATO_VS_PYTORCH,
          v -> format(v, 2));
      double own = r.figure("pytorch_own_isa_step_seconds");
      target(
          page,
          "plain DJL throughput / PyTorch eager on oneDNN's own ISA",
          own / plain,
          "reported",
          null,
          v -> format(v, 2));
    }
    explanation(page, r, peer);
  }

  /** Why the missed targets are missed and what would close them; no figure of its own. */
  private static void explanation(StringBuilder page, BenchmarkResult r, boolean peer) {
    boolean safeIsa = "SSE41".equals(r.machine().get("onednn_isa"));
    page.append("\n### Reading the targets\n\n");
    if (safeIsa) {
      page.append("- **SSE4.1 kernels.** On this CPU the engine check found libtorch 2.7.1's ")
          .append("oneDNN computing convolutions wrongly at every AVX level (channel counts ")
          .append("that do not fill its blocks: `docs/djl-notes.md`), so ato runs with ")
          .append("`ONEDNN_MAX_CPU_ISA=SSE41`, and so do the \"same ISA\" PyTorch rows. ");
      if (peer) {
        page.append("Debian's PyTorch, with its own older oneDNN, computes correctly at ")
            .append("full width here, and the row \"oneDNN's own ISA\" shows what the ")
            .append("workaround costs ato on this machine. That gap is the engine's; the ")
            .append("training loops compare at the same kernels, in the \"same ISA\" column. ")
            .append("It closes with a libtorch whose oneDNN is right on this CPU ")
            .append("(a later `pytorch-native-cpu`, or a custom build through DJL's ")
            .append("`PYTORCH_LIBRARY_PATH`), after which the engine check lets the full ISA ")
            .append("through by itself. Turning oneDNN off in libtorch instead ")
            .append("(`at::Context::setUserEnabledMkldnn(false)`) was tried and is slower ")
            .append("still (`docs/djl-notes.md`).");
      }
      page.append('\n');
    }
    page.append("- **Inference of the compressed network.** Its layers keep channel counts ")
        .append("that are rarely multiples of 8, and oneDNN computes in blocks of channels (8 ")
        .append("wide for SSE4.1, 16 for AVX-512): a count that does not fill its last block ")
        .append("pays for the whole block and, as the widths table shows, can be slower than ")
        .append("a full one. The ")
        .append("FLOPs fall by the ratio above, the time much less. What closes it is ")
        .append("rounding each layer's kept channels to the engine's block when the mask ")
        .append("freezes (Torch-Pruning's `round_to`), so that the cut FLOPs become cut time: ")
        .append("the builder's `optChannelMultiple`")
        .append(
            r.figures().containsKey("rounded_flops_ratio")
                ? "; the rounded rows above measure it.\n"
                : ", not measured in this row.\n")
        .append(batchOne(r))
        .append(noise(r, peer))
        .append("- **Controller every step.** The builder's default on runs whose controller ")
        .append("window is shorter than 2,000 steps (as here) is an update at every step; on ")
        .append("long runs it is one update in every few dozen steps, which costs like the ")
        .append("every-20-steps row.\n");
  }

  private static void inferenceRows(
      StringBuilder page, BenchmarkResult r, String prefix, String name) {
    double ratio = r.figure(prefix + "flops_ratio");
    for (int size : new int[] {1, 64}) {
      double speedup = r.figure("inference_" + prefix + "speedup_batch_" + size);
      page.append("| ")
          .append(name)
          .append(" | -")
          .append(percent(r.figure(prefix + "flops_reduction")))
          .append(" | ")
          .append(size)
          .append(" | ")
          .append(format(1e3 * r.figure("inference_" + prefix + "dense_seconds_batch_" + size), 2))
          .append(" | ")
          .append(
              format(1e3 * r.figure("inference_" + prefix + "compressed_seconds_batch_" + size), 2))
          .append(" | ")
          .append(format(speedup, 2))
          .append("x | ")
          .append(format(ratio, 2))
          .append("x | ")
          .append(format(speedup / ratio, 2))
          .append(" |\n");
    }
  }

  /** Why batch 1 gains less than batch 64, when the rounded network's batch-1 target is missed. */
  private static String batchOne(BenchmarkResult r) {
    if (!r.figures().containsKey("rounded_flops_ratio")
        || r.figure("inference_rounded_speedup_batch_1") / r.figure("rounded_flops_ratio")
            >= MIN_SHARE_OF_IDEAL_SPEEDUP) {
      return "";
    }
    double dense = r.figure("inference_rounded_dense_seconds_batch_1");
    double compressed = r.figure("inference_rounded_compressed_seconds_batch_1");
    // time = fixed + k * FLOPs through both networks: k * dense FLOPs = (dense - compressed)
    // / (1 - 1 / ratio).
    double fixed = dense - (dense - compressed) / (1 - 1 / r.figure("rounded_flops_ratio"));
    return "- **Batch 1.** One image takes "
        + format(1e3 * dense, 2)
        + " ms through the dense "
        + "network; fitting time = fixed + k x FLOPs to the two networks leaves "
        + format(1e3 * fixed, 2)
        + " ms of it fixed, whatever the width: a call into libtorch "
        + "and a oneDNN primitive per layer, which fewer channels do not shorten. So even "
        + "rounded channels gain far less than at batch 64. What would close it: fewer layers "
        + "(pruning whole blocks, which ATO's groups do not do), fewer calls (each batch norm "
        + "folded into the convolution before it: the inference form, measured in the serving "
        + "section), or one traced and fused network instead of a layer-by-layer one, which "
        + "DJL cannot make from Java blocks; ONNX Runtime runs the exported file that way.\n";
  }

  /**
   * What to make of a missed throughput target whose rounds overlap: the machine's noise is as
   * large as the miss.
   */
  private static String noise(BenchmarkResult r, boolean peer) {
    if (!peer) {
      return "";
    }
    double plain = r.figure("plain_djl_step_seconds");
    double torch = r.figure("pytorch_step_seconds");
    if (torch / plain >= MIN_PLAIN_VS_PYTORCH
        || r.figure("plain_djl_step_seconds_min") > r.figure("pytorch_step_seconds_max")) {
      return "";
    }
    return "- **Plain DJL against PyTorch.** The median misses "
        + format(MIN_PLAIN_VS_PYTORCH, 2)
        + " by "
        + format(MIN_PLAIN_VS_PYTORCH - torch / plain, 2)
        + ", but plain DJL's "
        + "rounds range from "
        + format(r.figure("plain_djl_step_seconds_min"), 4)
        + " to "
        + format(r.figure("plain_djl_step_seconds_max"), 4)
        + " s per step and its fastest is "
        + "faster than PyTorch's slowest ("
        + format(r.figure("pytorch_step_seconds_max"), 4)
        + " s): on this VM the spread between rounds is as large as the miss. More rounds "
        + "(`speed --repeats`) on a quieter machine would settle it; the loop itself is DJL's "
        + "`EasyTrain.fit`, so what it costs beyond libtorch is DJL's.\n";
  }

  /** The dense networks of other widths: what a channel count costs on this engine. */
  private static void widths(StringBuilder page, BenchmarkResult r) {
    List<Integer> widths =
        r.figures().keySet().stream()
            .filter(k -> k.matches("inference_width_\\d+_macs"))
            .map(k -> Integer.parseInt(k.replaceAll("\\D", "")))
            .sorted((a, b) -> b - a)
            .toList();
    if (widths.isEmpty()) {
      return;
    }
    int reference = widths.get(0);
    double referenceMacs = r.figure("inference_width_" + reference + "_macs");
    double referenceSeconds = r.figure("inference_width_" + reference + "_seconds_batch_64");
    page.append("\nDense networks of other first-stage widths (stages w, 2w, 4w), batch 64, ")
        .append("same measurement:\n\n")
        .append("| width | MACs per image | share of width ")
        .append(reference)
        .append(" | ms | time against width ")
        .append(reference)
        .append(" |\n")
        .append("| --- | --- | --- | --- | --- |\n");
    for (int width : widths) {
      double macs = r.figure("inference_width_" + width + "_macs");
      double seconds = r.figure("inference_width_" + width + "_seconds_batch_64");
      page.append("| ")
          .append(width)
          .append(" | ")
          .append(format(macs, 0))
          .append(" | ")
          .append(format(macs / referenceMacs, 2))
          .append(" | ")
          .append(format(1e3 * seconds, 2))
          .append(" | ")
          .append(format(seconds / referenceSeconds, 2))
          .append(" |\n");
    }
  }

  static void header(StringBuilder page, BenchmarkResult r) {
    Map<String, String> m = r.machine();
    page.append("Ran ")
        .append(r.date())
        .append(" on ")
        .append(m.get("cpu"))
        .append(", ")
        .append(m.get("cores"))
        .append(" cores, ")
        .append(m.get("memory"))
        .append("; ")
        .append(m.get("os"))
        .append("; ")
        .append(m.get("java"))
        .append("; ")
        .append(m.get("engine"))
        .append("; ONEDNN_MAX_CPU_ISA ")
        .append(m.get("onednn_isa"))
        .append("; libtorch threads ")
        .append(m.get("threads"))
        .append(".\n\n")
        .append("Command: `")
        .append(r.command())
        .append("`\n\n");
    r.settings()
        .forEach(
            (key, value) -> page.append("- ").append(key).append(": ").append(value).append('\n'));
  }

  private static void loopRow(
      StringBuilder page,
      BenchmarkResult r,
      String name,
      String loop,
      double batch,
      double plain,
      boolean againstPeer) {
    double s = r.figure(loop + "_step_seconds");
    page.append("| ")
        .append(name)
        .append(" | ")
        .append(format(s, 4))
        .append(" (")
        .append(format(r.figure(loop + "_step_seconds_min"), 4))
        .append("-")
        .append(format(r.figure(loop + "_step_seconds_max"), 4))
        .append(") | ")
        .append(format(batch / s, 0))
        .append(" | ")
        .append(format(plain / s, 2))
        .append("x |");
    if (againstPeer) {
      page.append(' ').append(format(r.figure("pytorch_step_seconds") / s, 2)).append("x |");
    }
    page.append('\n');
  }

  static void target(
      StringBuilder page,
      String figure,
      double value,
      String goal,
      Boolean met,
      DoubleFunction<String> shown) {
    page.append("| ")
        .append(figure)
        .append(" | ")
        .append(shown.apply(value))
        .append(" | ")
        .append(goal)
        .append(" | ")
        .append(met == null ? "" : met ? "met" : "**missed**")
        .append(" |\n");
  }

  static String format(double value, int decimals) {
    return String.format(Locale.ROOT, "%,." + decimals + "f", value);
  }

  static String percent(double share) {
    return String.format(Locale.ROOT, "%.1f%%", 100 * share);
  }

  static String signedPercent(double share) {
    return String.format(Locale.ROOT, "%+.1f%%", 100 * share);
  }
}
