package dev.ato.examples.bench;

import static dev.ato.examples.bench.BenchmarkPage.format;
import static dev.ato.examples.bench.BenchmarkPage.percent;

import com.google.common.base.Splitter;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The page's scaling section: for each network of a scaling row, ATO's parts (build, projection, a
 * controller update, memory) beside a plain training step of the same network, and how far each
 * part's share moves from the smallest network to the largest.
 */
final class ScalingSection {

  private static final double GIB = 1024.0 * 1024 * 1024;

  private ScalingSection() {}

  static void render(StringBuilder page, BenchmarkResult r) {
    page.append("\n## How ATO's cost grows with the model (`").append(r.row()).append("`)\n\n");
    BenchmarkPage.header(page, r);
    List<String> networks = networks(r);
    page.append("\nEach part of ATO beside one plain DJL training step of the same network and ")
        .append("batch (medians over the steps). build() is the builder's whole `build()`; ")
        .append("read, groups and cost are its first three parts timed alone.\n\n")
        .append("| network | MACs per image | groups | controller blocks | build() s (read, ")
        .append("groups, cost) | plain step s | projection per step | one controller update | ")
        .append("peak memory, plain / ATO |\n")
        .append("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (String n : networks) {
      double step = figure(r, n, "plain_step_seconds");
      page.append("| ")
          .append(shown(r, n))
          .append(" | ")
          .append(format(figure(r, n, "macs"), 0))
          .append(" | ")
          .append(format(figure(r, n, "groups"), 0))
          .append(" | ")
          .append(format(figure(r, n, "controller_blocks"), 0))
          .append(" | ")
          .append(format(figure(r, n, "build_seconds"), 2))
          .append(" (")
          .append(format(figure(r, n, "read_seconds"), 2))
          .append(", ")
          .append(format(figure(r, n, "groups_seconds"), 2))
          .append(", ")
          .append(format(figure(r, n, "cost_seconds"), 2))
          .append(") | ")
          .append(format(step, 3))
          .append(" | ")
          .append(format(figure(r, n, "projection_seconds"), 4))
          .append(" s, ")
          .append(percent(figure(r, n, "projection_seconds") / step))
          .append(" of a step | ")
          .append(format(figure(r, n, "controller_update_seconds"), 3))
          .append(" s, ")
          .append(format(figure(r, n, "controller_update_seconds") / step, 2))
          .append(" steps | ")
          .append(format(figure(r, n, "plain_peak_bytes") / GIB, 2))
          .append(" / ")
          .append(format(figure(r, n, "ato_peak_bytes") / GIB, 2))
          .append(" GiB |\n");
    }
    page.append('\n')
        .append(
            spread(
                r,
                networks,
                "projection per step, as a share of a plain step",
                n -> figure(r, n, "projection_seconds") / figure(r, n, "plain_step_seconds"),
                true))
        .append(
            spread(
                r,
                networks,
                "one controller update, in plain steps",
                n -> figure(r, n, "controller_update_seconds") / figure(r, n, "plain_step_seconds"),
                false))
        .append(
            spread(
                r,
                networks,
                "build(), in plain steps",
                n -> figure(r, n, "build_seconds") / figure(r, n, "plain_step_seconds"),
                false))
        .append(
            spread(
                r,
                networks,
                "ATO's peak memory over plain training's",
                n -> figure(r, n, "ato_peak_bytes") / figure(r, n, "plain_peak_bytes"),
                false));
  }

  /** The networks of a row, in the order measured: the keys before {@code _groups}. */
  static List<String> networks(BenchmarkResult r) {
    return r.figures().keySet().stream()
        .filter(k -> k.endsWith("_controller_blocks"))
        .map(k -> k.substring(0, k.length() - "_controller_blocks".length()))
        .toList();
  }

  private static double figure(BenchmarkResult r, String network, String name) {
    return r.figure(network + "_" + name);
  }

  /** The page name of a network: what the row's settings call it. */
  private static String shown(BenchmarkResult r, String network) {
    for (String part : Splitter.on("; ").split(r.settings().getOrDefault("networks", ""))) {
      if (part.startsWith(network + ": ")) {
        return part.substring(network.length() + 2);
      }
    }
    return network;
  }

  /**
   * One line: the share's range over the networks, and the networks at its two ends, so that a part
   * that grows faster than the model shows as a widening range.
   */
  private static String spread(
      BenchmarkResult r,
      List<String> networks,
      String what,
      ToDoubleFunction<String> share,
      boolean asPercent) {
    String low = networks.stream().min(Comparator.comparingDouble(share)).orElseThrow();
    String high = networks.stream().max(Comparator.comparingDouble(share)).orElseThrow();
    return String.format(
        Locale.ROOT,
        "- %s: from %s (%s) to %s (%s).\n",
        what.substring(0, 1).toUpperCase(Locale.ROOT) + what.substring(1),
        ratio(share.applyAsDouble(low), asPercent),
        shown(r, low),
        ratio(share.applyAsDouble(high), asPercent),
        shown(r, high));
  }

  private static String ratio(double value, boolean asPercent) {
    return asPercent ? percent(value) : format(value, 2) + "x";
  }
}
