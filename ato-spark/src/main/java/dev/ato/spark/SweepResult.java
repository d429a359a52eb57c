package dev.ato.spark;

import com.google.common.collect.ImmutableList;
import java.util.List;
import java.util.Locale;

/**
 * A budget sweep's runs, by the FLOPs they keep, and those on the Pareto front: the runs for which
 * no other run keeps no more FLOPs with a metric at least as good and is strictly better on one of
 * the two.
 */
public final class SweepResult {

  /** The Pareto table as Markdown, under the sweep's output. */
  public static final String TABLE = "pareto.md";

  /** The same table as CSV. */
  public static final String CSV = "pareto.csv";

  /** The chart of metric against FLOPs kept, the front drawn as a line. */
  public static final String CHART = "pareto.png";

  private final ImmutableList<SweepRow> rows;
  private final ImmutableList<SweepRow> front;
  private final boolean higherIsBetter;

  SweepResult(List<SweepRow> rows, boolean higherIsBetter) {
    this.rows = ImmutableList.copyOf(rows);
    this.higherIsBetter = higherIsBetter;
    ImmutableList.Builder<SweepRow> onFront = ImmutableList.builder();
    for (SweepRow row : rows) {
      if (rows.stream().noneMatch(other -> dominates(other, row))) {
        onFront.add(row);
      }
    }
    this.front = onFront.build();
  }

  /** Every run, fewest FLOPs kept first, then by seed. */
  public ImmutableList<SweepRow> rows() {
    return rows;
  }

  /** The runs on the Pareto front, fewest FLOPs kept first. */
  public ImmutableList<SweepRow> front() {
    return front;
  }

  /** Whether {@code row} is on the Pareto front. */
  public boolean isOnFront(SweepRow row) {
    return front.contains(row);
  }

  /**
   * Whether {@code a} keeps no more FLOPs than {@code b} with a metric no worse, and beats it on
   * one.
   */
  private boolean dominates(SweepRow a, SweepRow b) {
    double better = higherIsBetter ? a.value() - b.value() : b.value() - a.value();
    boolean noWorse = a.flopsAfter() <= b.flopsAfter() && better >= 0;
    boolean beats = a.flopsAfter() < b.flopsAfter() || better > 0;
    return noWorse && beats;
  }

  /** The table as Markdown, one run per row. */
  String markdownTable() {
    StringBuilder table = new StringBuilder();
    String metric = rows.isEmpty() ? "metric" : rows.get(0).metric();
    table.append(
        String.format(
            Locale.ROOT,
            "| reduction | seed | FLOPs kept | parameters kept | %s | budget | Pareto front |%n",
            metric));
    table.append("| --- | --- | --- | --- | --- | --- | --- |%n".formatted());
    for (SweepRow row : rows) {
      table.append(
          String.format(
              Locale.ROOT,
              "| -%.1f%% | %d | %.1f%% (%,d) | %.1f%% (%,d) | %.4f | %s | %s |%n",
              100 * row.point().reduction(),
              row.point().seed(),
              100 * row.flopsKept(),
              row.flopsAfter(),
              100 * row.parametersKept(),
              row.parametersAfter(),
              row.value(),
              row.targetMet() ? "met" : "missed",
              isOnFront(row) ? "yes" : ""));
    }
    return table.toString();
  }

  /** The table as CSV, with a header row. */
  String csv() {
    StringBuilder csv =
        new StringBuilder(
            "reduction,seed,flops_before,flops_after,parameters_before,parameters_after,metric,"
                + "value,target_met,seconds,pareto_front\n");
    for (SweepRow row : rows) {
      csv.append(
          String.format(
              Locale.ROOT,
              "%s,%d,%d,%d,%d,%d,%s,%s,%s,%.1f,%s%n",
              row.point().reduction(),
              row.point().seed(),
              row.flopsBefore(),
              row.flopsAfter(),
              row.parametersBefore(),
              row.parametersAfter(),
              row.metric(),
              row.value(),
              row.targetMet(),
              row.seconds(),
              isOnFront(row)));
    }
    return csv.toString();
  }
}
