package dev.ato.examples.report;

import dev.ato.djl.AtoListener.RunInfo;
import dev.ato.djl.AtoResult;
import dev.ato.djl.EpochMetrics;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.CategoryStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws a run report's charts as PNG files: the loss and the metric per epoch, the FLOPs the mask
 * keeps over the steps against the target, and the channels of every layer, dense against
 * compressed. Drawn off-screen; no display is needed.
 */
public final class ReportCharts {

  /** Training loss per epoch. */
  public static final String LOSS = "loss.png";

  /** The run's metric per epoch, on the training batches and the test data. */
  public static final String METRIC = "metric.png";

  /** FLOPs kept by the mask over the steps, with the target and the schedule's marks. */
  public static final String FLOPS = "flops.png";

  /** Output channels per layer, dense and compressed. */
  public static final String CHANNELS = "channels.png";

  /** Every chart, in the order a page shows them. */
  public static final List<String> ALL = List.of(LOSS, METRIC, FLOPS, CHANNELS);

  private static final int WIDTH = 900;
  private static final int HEIGHT = 500;

  private ReportCharts() {}

  /** Writes every chart of {@code report} into {@code directory}. */
  public static void write(RunReport report, Path directory) throws IOException {
    save(lossChart(report.epochs()), directory.resolve(LOSS));
    save(metricChart(report.epochs(), report.scores().metric()), directory.resolve(METRIC));
    save(flopsChart(report), directory.resolve(FLOPS));
    save(channelsChart(report.channels()), directory.resolve(CHANNELS));
  }

  static XYChart lossChart(List<EpochMetrics> epochs) {
    XYChart chart = lineChart("Training loss per epoch", "epoch", "mean loss");
    chart.addSeries(
        "training loss",
        epochNumbers(epochs),
        epochs.stream().map(EpochMetrics::trainLoss).toList());
    return chart;
  }

  static XYChart metricChart(List<EpochMetrics> epochs, String metric) {
    XYChart chart = lineChart(metric + " per epoch", "epoch", metric);
    chart.addSeries(
        "training batches",
        epochNumbers(epochs),
        epochs.stream().map(EpochMetrics::trainMetric).toList());
    List<Double> validation = epochs.stream().map(EpochMetrics::validationMetric).toList();
    if (validation.stream().anyMatch(Double::isFinite)) {
      chart.addSeries("test data", epochNumbers(epochs), validation);
    }
    return chart;
  }

  static XYChart flopsChart(RunReport report) {
    XYChart chart = lineChart("FLOPs kept by the mask", "step", "% of the dense model's FLOPs");
    List<RunTrace.StepSample> steps = report.steps();
    List<double[]> path = maskPath(steps);
    XYSeries kept =
        chart.addSeries(
            "mask of the moment",
            path.stream().map(point -> point[0]).toList(),
            path.stream().map(point -> point[1]).toList());
    kept.setMarker(SeriesMarkers.NONE);
    double target = 100 * (1 - report.cost().targetReduction());
    long last = steps.isEmpty() ? 1 : steps.get(steps.size() - 1).step();
    XYSeries goal = chart.addSeries("target", List.of(0L, last), List.of(target, target));
    goal.setMarker(SeriesMarkers.NONE);
    goal.setLineStyle(dashed());
    RunInfo info = report.schedule();
    if (info != null) {
      mark(chart, "controller starts", info.controllerStart());
      mark(chart, "projection starts", info.warmup());
      mark(chart, "mask freezes", info.controllerEnd());
    }
    chart.getStyler().setYAxisMin(0.0);
    chart.getStyler().setYAxisMax(105.0);
    // One label per ~120 pixels: step numbers have up to six digits. XChart honours the hint
    // only for unevenly spaced x values, which the mask's path is (see maskPath).
    chart.getStyler().setXAxisTickMarkSpacingHint(120);
    chart.getStyler().setXAxisDecimalPattern("#");
    return chart;
  }

  /**
   * The FLOPs kept, in percent, as a step line: one point where the run's sampling starts, two
   * where the mask changes (before and after, at the same step) and one at the last sample. The
   * mask holds between changes, so this is exact, and it is what keeps XChart from labelling every
   * tenth step of an evenly sampled run until the labels run together.
   */
  static List<double[]> maskPath(List<RunTrace.StepSample> steps) {
    List<double[]> path = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      double step = steps.get(i).step();
      double kept = 100 * steps.get(i).flopsKept();
      double before = path.isEmpty() ? kept : path.get(path.size() - 1)[1];
      if (path.isEmpty() || kept != before) {
        if (!path.isEmpty()) {
          path.add(new double[] {step, before});
        }
        path.add(new double[] {step, kept});
      } else if (i == steps.size() - 1) {
        path.add(new double[] {step, kept});
      }
    }
    return path;
  }

  static CategoryChart channelsChart(Map<String, AtoResult.LayerChannels> channels) {
    CategoryChart chart =
        new CategoryChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title("Output channels per layer")
            .xAxisTitle("layer, input to output")
            .yAxisTitle("channels")
            .build();
    List<String> layers = new ArrayList<>();
    List<Integer> before = new ArrayList<>();
    List<Integer> after = new ArrayList<>();
    int index = 1;
    for (AtoResult.LayerChannels layer : channels.values()) {
      layers.add(Integer.toString(index++));
      before.add(layer.before());
      after.add(layer.after());
    }
    chart.addSeries("dense", layers, before);
    chart.addSeries("compressed", layers, after);
    CategoryStyler styler = chart.getStyler();
    styler.setOverlapped(true);
    // Outside, like the other charts: inside it covers the tallest bars, often the last layers.
    styler.setLegendPosition(Styler.LegendPosition.OutsideS);
    styler.setLegendLayout(Styler.LegendLayout.Horizontal);
    styler.setXAxisLabelRotation(layers.size() > 30 ? 90 : 0);
    styler.setChartBackgroundColor(Color.WHITE);
    styler.setSeriesColors(new Color[] {new Color(0xb0c4de), new Color(0x1f4e79)});
    return chart;
  }

  private static void mark(XYChart chart, String name, long step) {
    XYSeries line = chart.addSeries(name, List.of(step, step), List.of(0.0, 105.0));
    line.setMarker(SeriesMarkers.NONE);
    line.setLineStyle(dashed());
  }

  private static XYChart lineChart(String title, String x, String y) {
    XYChart chart =
        new XYChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .xAxisTitle(x)
            .yAxisTitle(y)
            .build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    return chart;
  }

  private static BasicStroke dashed() {
    return new BasicStroke(
        1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0);
  }

  private static List<Integer> epochNumbers(List<EpochMetrics> epochs) {
    return epochs.stream().map(EpochMetrics::epoch).toList();
  }

  private static void save(Chart<?, ?> chart, Path file) throws IOException {
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
  }
}
