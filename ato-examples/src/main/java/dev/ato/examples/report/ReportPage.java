package dev.ato.examples.report;

import com.google.common.html.HtmlEscapers;
import dev.ato.djl.EpochMetrics;
import dev.ato.djl.export.OnnxExport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes {@value #FILE_NAME}: one self-contained page (the charts beside it as PNG files) with the
 * summary table, the charts and the epochs, for a person to open in a browser.
 */
public final class ReportPage {

  /** The name of the page in the output directory. */
  public static final String FILE_NAME = "report.html";

  private ReportPage() {}

  /** Writes the page for {@code report} into {@code directory}, next to its charts. */
  public static void write(RunReport report, Path directory) throws IOException {
    Files.writeString(directory.resolve(FILE_NAME), html(report), StandardCharsets.UTF_8);
  }

  static String html(RunReport report) {
    RunReport.Cost cost = report.cost();
    RunReport.Scores scores = report.scores();
    StringBuilder page = new StringBuilder();
    page.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>ato: ")
        .append(escape(report.model()))
        .append("</title>\n<style>")
        .append("body{font-family:sans-serif;max-width:960px;margin:2em auto;color:#222}")
        .append("table{border-collapse:collapse;margin:1em 0}")
        .append("td,th{border:1px solid #ccc;padding:.3em .7em;text-align:left}")
        .append("td.n{text-align:right;font-variant-numeric:tabular-nums}")
        .append("img{max-width:100%;border:1px solid #eee;margin:.5em 0}")
        .append("</style></head><body>\n");
    page.append("<h1>")
        .append(escape(report.model()))
        .append(" pruned by Auto-Train-Once</h1>\n")
        .append("<p><code>")
        .append(escape(report.command()))
        .append("</code></p>\n");
    page.append("<table>\n");
    row(page, "data", report.data());
    rowHtml(
        page,
        "FLOPs (multiply-accumulates per image)",
        String.format(
            Locale.ROOT,
            "%,d &rarr; %,d (&minus;%.1f%%; target &minus;%.1f%%, %s)",
            cost.flopsBefore(),
            cost.flopsAfter(),
            100 * cost.flopsReduction(),
            100 * cost.targetReduction(),
            cost.targetMet() ? "met" : "MISSED"));
    rowHtml(
        page,
        "parameters",
        String.format(
            Locale.ROOT,
            "%,d &rarr; %,d (&minus;%.1f%%)",
            cost.parametersBefore(),
            cost.parametersAfter(),
            100 * (1 - (double) cost.parametersAfter() / cost.parametersBefore())));
    row(page, "groups pruned", cost.groupsPruned() + " of " + cost.groups());
    row(page, "budget", cost.budget());
    row(
        page,
        scores.metric() + " of the compressed network, reloaded from disk",
        number(scores.reloaded()));
    row(
        page,
        scores.metric() + " of its inference form, reloaded from disk",
        number(scores.served()));
    row(page, scores.metric() + " of model.onnx in ONNX Runtime", number(scores.onnx()));
    row(
        page,
        scores.metric() + " of the compressed network, in memory",
        number(scores.compressed()));
    row(
        page,
        scores.metric() + " of the dense network with pruned groups at zero",
        number(scores.masked()));
    row(
        page,
        "wall time",
        String.format(
            Locale.ROOT,
            "%.0f s in all, %.0f s of training",
            report.wallTimes().total(),
            report.wallTimes().training()));
    RunReport.Environment env = report.environment();
    row(
        page,
        "software",
        "ato "
            + env.ato()
            + ", DJL "
            + env.djl()
            + ", "
            + env.engine()
            + " on "
            + env.device()
            + ", Java "
            + env.java());
    row(
        page,
        "machine",
        env.os()
            + ", "
            + env.cores()
            + " cores"
            + (env.onednnMaxCpuIsa() == null
                ? ""
                : ", ONEDNN_MAX_CPU_ISA=" + env.onednnMaxCpuIsa()));
    page.append("</table>\n");
    files(page, report.artifacts());
    latency(page, report);
    for (String chart : ReportCharts.ALL) {
      page.append("<img src=\"").append(chart).append("\" alt=\"").append(chart).append("\">\n");
    }
    page.append("<h2>Epochs</h2>\n<table><tr><th>epoch</th><th>steps</th><th>loss</th><th>")
        .append(escape(scores.metric()))
        .append(" (training)</th><th>")
        .append(escape(scores.metric()))
        .append(" (test)</th><th>groups pruned</th>")
        .append("<th>FLOPs kept</th><th>seconds</th></tr>\n");
    for (EpochMetrics epoch : report.epochs()) {
      page.append(
          String.format(
              Locale.ROOT,
              "<tr><td class=n>%d</td><td class=n>%d</td>"
                  + "<td class=n>%s</td><td class=n>%s</td><td class=n>%s</td><td class=n>%d</td>"
                  + "<td class=n>%.1f%%</td><td class=n>%.0f</td></tr>%n",
              epoch.epoch(),
              epoch.steps(),
              number(epoch.trainLoss()),
              number(epoch.trainMetric()),
              number(epoch.validationMetric()),
              epoch.prunedGroups(),
              100 * epoch.flopsRatio(),
              epoch.seconds()));
    }
    page.append("</table>\n<p>All figures are in <a href=\"")
        .append(RunReport.FILE_NAME)
        .append("\">")
        .append(RunReport.FILE_NAME)
        .append("</a>.</p>\n</body></html>\n");
    return page.toString();
  }

  private static void files(StringBuilder page, RunReport.Artifacts artifacts) {
    page.append("<h2>Files</h2>\n<table>\n");
    rowHtml(
        page,
        "to serve",
        link(artifacts.serving())
            + ": the compressed network with its "
            + "batch norms folded into the layers before them, for DJL's <code>Criteria</code>");
    rowHtml(
        page,
        "to run anywhere else",
        link(artifacts.onnx())
            + ": the same network as ONNX "
            + "(opset "
            + OnnxExport.OPSET_VERSION
            + ", dynamic batch), for ONNX Runtime, TensorRT, "
            + "OpenVINO and the like");
    rowHtml(
        page,
        "to fine-tune",
        link(artifacts.trainable()) + ": the compressed network as " + "cut, batch norms included");
    page.append("</table>\n");
  }

  /** The dense and compressed networks' times, per runtime and batch size. */
  private static void latency(StringBuilder page, RunReport report) {
    page.append("<h2>What pruning bought in time</h2>\n<p>Median time of a forward pass in ")
        .append("inference mode, the networks of one runtime taking turns; the speed-up is the ")
        .append("dense network's time over each one's, in the same runtime, against ")
        .append(
            String.format(
                Locale.ROOT,
                "%.2fx",
                (double) report.cost().flopsBefore() / report.cost().flopsAfter()))
        .append(" fewer FLOPs.</p>\n<table><tr><th>runtime</th><th>network</th>")
        .append("<th>batch</th><th>ms (fastest&ndash;slowest)</th><th>speed-up</th></tr>\n");
    for (var figure : report.latency()) {
      page.append(
          String.format(
              Locale.ROOT,
              "<tr><td>%s</td><td>%s</td><td class=n>%d</td>"
                  + "<td class=n>%.2f (%.2f&ndash;%.2f)</td><td class=n>%.2fx</td></tr>%n",
              escape(figure.runtime()),
              escape(figure.network()),
              figure.batch(),
              figure.milliseconds(),
              figure.minMilliseconds(),
              figure.maxMilliseconds(),
              figure.speedup()));
    }
    page.append("</table>\n");
  }

  private static String link(String file) {
    return "<a href=\"" + escape(file) + "\"><code>" + escape(file) + "</code></a>";
  }

  private static void row(StringBuilder page, String name, String text) {
    rowHtml(page, name, escape(text));
  }

  private static void rowHtml(StringBuilder page, String name, String html) {
    page.append("<tr><th>")
        .append(escape(name))
        .append("</th><td>")
        .append(html)
        .append("</td></tr>\n");
  }

  private static String number(double value) {
    return Double.isFinite(value) ? String.format(Locale.ROOT, "%.4f", value) : "\u2013";
  }

  private static String escape(String text) {
    return HtmlEscapers.htmlEscaper().escape(text);
  }
}
