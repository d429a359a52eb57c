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
    speed.forEach(result -> SpeedSection.render(page, result));
    results.stream()
        .filter(r -> r.kind().equals("deploy"))
        .forEach(result -> ServingSection.render(page, result));
    results.stream()
        .filter(r -> r.kind().equals("channels"))
        .forEach(result -> ServingSection.renderChannels(page, result));
    results.stream()
        .filter(r -> r.kind().equals("scaling"))
        .forEach(result -> ScalingSection.render(page, result));
    results.stream()
        .filter(r -> r.kind().equals("spark"))
        .forEach(result -> SparkSection.render(page, result));
    accuracy(page, results.stream().filter(r -> r.kind().equals("accuracy")).toList());
    return page.toString();
  }

  /**
   * The figure an ATO row stores when its runs trained the compressed network after the freeze
   * ({@code optTrainCompressedAfterFreeze}, the default since 2026-12-07); rows without it trained
   * the dense model to the end.
   */
  static final String TRAINED_COMPRESSED = "trained_compressed_after_freeze";

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
                .append(controller(r))
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
          goals(page, ordered, denseRow);
          page.append("\nThe rows were stored by these commands:\n\n");
          Map<String, List<String>> byCommand = new LinkedHashMap<>();
          ordered.forEach(r -> storedBy(r, byCommand));
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
   * The {@link AccuracyGoal} of each ATO row on the defaults that has a magnitude + fine-tuning row
   * of the same target and epochs beside it.
   */
  private static void goals(
      StringBuilder page, List<BenchmarkResult> ordered, BenchmarkResult dense) {
    if (dense == null) {
      return;
    }
    for (BenchmarkResult ato : ordered) {
      if (!method(ato.row()).equals("ato-group-lasso")) {
        continue;
      }
      ordered.stream()
          .filter(r -> method(r.row()).equals("magnitude-fine-tuned"))
          .filter(r -> r.figure("target_reduction") == ato.figure("target_reduction"))
          .filter(r -> r.figure("epochs") == ato.figure("epochs"))
          .findFirst()
          .ifPresent(tuned -> AccuracyGoal.of(ato, tuned, dense).appendTo(page));
    }
  }

  /**
   * Adds to {@code byCommand} which command stored {@code r}, seed by seed when its seeds were
   * measured by several runs of the command ({@link SeedRecords}).
   */
  private static void storedBy(BenchmarkResult r, Map<String, List<String>> byCommand) {
    String machine =
        " on "
            + r.machine().get("cpu")
            + ", "
            + r.machine().get("cores")
            + " cores, ONEDNN_MAX_CPU_ISA "
            + r.machine().get("onednn_isa");
    List<Long> seeds = SeedRecords.seedsOf(r);
    boolean seedBySeed =
        !seeds.isEmpty()
            && seeds.stream()
                .allMatch(
                    seed ->
                        SeedRecords.command(r, seed).isPresent()
                            && SeedRecords.date(r, seed).isPresent());
    if (!seedBySeed) {
      byCommand
          .computeIfAbsent("`" + r.command() + "`" + machine, k -> new ArrayList<>())
          .add("`" + r.row() + "` (" + r.date() + ")");
      return;
    }
    Map<String, List<String>> seedsByCommand = new LinkedHashMap<>();
    for (long seed : seeds) {
      seedsByCommand
          .computeIfAbsent(SeedRecords.command(r, seed).orElseThrow(), k -> new ArrayList<>())
          .add("seed " + seed + ", " + SeedRecords.date(r, seed).orElseThrow());
    }
    seedsByCommand.forEach(
        (command, measured) ->
            byCommand
                .computeIfAbsent("`" + command + "`" + machine, k -> new ArrayList<>())
                .add("`" + r.row() + "` (" + String.join("; ", measured) + ")"));
  }

  /**
   * What an ATO row's channels were rounded to; rows stored before rounding was the builder's
   * default carry no such figure, and their channels were not rounded ({@link #controller} gives
   * such a row's date).
   */
  static String rounding(BenchmarkResult r) {
    String method = method(r.row());
    if (!method.startsWith("ato-") && !method.startsWith("fixed-mask")) {
      return "";
    }
    if (!r.figures().containsKey("channel_multiple_min")) {
      return " [channels not rounded: before rounding was the builder's default]";
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
   * How many times a controller-searched row's controller trained; rows stored before the count was
   * recorded ran on the controller's earlier spacing, an update at almost every step of the window.
   */
  static String controller(BenchmarkResult r) {
    if (!method(r.row()).startsWith("ato-")) {
      return "";
    }
    if (!r.figures().containsKey("controller_updates")) {
      return " [stored "
          + r.date().substring(0, 10)
          + ", before the controller's updates were spaced 8 steps apart]";
    }
    String updates = format(r.figure("controller_updates"), 0) + " controller updates";
    if (!r.figures().containsKey(TRAINED_COMPRESSED)) {
      return " [" + updates + "; the dense model trained to the end, before the swap]";
    }
    return " [" + updates + "]";
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

  /** Whether two rows were measured on one kind of machine: one cpu, one oneDNN ISA. */
  static boolean sameMachine(BenchmarkResult a, BenchmarkResult b) {
    return java.util.Objects.equals(a.machine().get("cpu"), b.machine().get("cpu"))
        && java.util.Objects.equals(
            Machine.instructionSet(a.machine()), Machine.instructionSet(b.machine()));
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

  /**
   * A target row judged on a stored figure's whole range ({@code name}, {@code name_min}, {@code
   * name_max}, each times {@code scale}): the median with the lowest and highest, and the {@link
   * Verdict}; a {@code goal} of NaN reports the figure without one.
   *
   * @return the verdict, null when only reported
   */
  static Verdict rangeTarget(
      StringBuilder page,
      BenchmarkResult r,
      String figure,
      String name,
      double scale,
      double goal,
      boolean atLeast,
      DoubleFunction<String> shown) {
    double min = scale * r.figure(name + "_min");
    double max = scale * r.figure(name + "_max");
    Verdict verdict =
        Double.isNaN(goal)
            ? null
            : atLeast ? Verdict.atLeast(min, max, goal) : Verdict.atMost(min, max, goal);
    page.append("| ")
        .append(figure)
        .append(" | ")
        .append(shown.apply(scale * r.figure(name)))
        .append(" (")
        .append(shown.apply(min))
        .append("-")
        .append(shown.apply(max))
        .append(") | ")
        .append(
            verdict == null ? "reported" : (atLeast ? "at least " : "at most ") + shown.apply(goal))
        .append(" | ")
        .append(verdict == null ? "" : verdict.markdown())
        .append(" |\n");
    return verdict;
  }

  /**
   * {@link #rangeTarget(StringBuilder, BenchmarkResult, String, String, double, double, boolean,
   * DoubleFunction)} of the figure as stored.
   */
  static Verdict rangeTarget(
      StringBuilder page,
      BenchmarkResult r,
      String figure,
      String name,
      double goal,
      boolean atLeast,
      DoubleFunction<String> shown) {
    return rangeTarget(page, r, figure, name, 1, goal, atLeast, shown);
  }

  static String format(double value, int decimals) {
    return String.format(Locale.ROOT, "%,." + decimals + "f", value);
  }

  static String percent(double share) {
    return String.format(Locale.ROOT, "%.1f%%", 100 * share);
  }
}
