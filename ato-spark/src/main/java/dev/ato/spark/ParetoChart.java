package dev.ato.spark;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** A sweep's chart: each run's metric against the FLOPs it keeps, the Pareto front as a line. */
final class ParetoChart {

  private ParetoChart() {}

  /** Draws the chart of {@code result} off-screen and writes it as a PNG to {@code location}. */
  static void write(SweepResult result, HadoopFiles files, String location) {
    String metric = result.rows().isEmpty() ? "metric" : result.rows().get(0).metric();
    XYChart chart =
        new XYChartBuilder()
            .width(900)
            .height(500)
            .title("ATO budget sweep: " + metric + " against FLOPs kept")
            .xAxisTitle("FLOPs kept (% of the dense network)")
            .yAxisTitle(metric)
            .build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    double[] kept = result.rows().stream().mapToDouble(row -> 100 * row.flopsKept()).toArray();
    double[] values = result.rows().stream().mapToDouble(SweepRow::value).toArray();
    chart.addSeries("runs", kept, values).setMarker(SeriesMarkers.CIRCLE);
    XYSeries front =
        chart.addSeries(
            "Pareto front",
            result.front().stream().mapToDouble(row -> 100 * row.flopsKept()).toArray(),
            result.front().stream().mapToDouble(SweepRow::value).toArray());
    front.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    front.setMarker(SeriesMarkers.NONE);
    try {
      Path file = Files.createTempFile("ato-sweep", ".png");
      try {
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        files.copyFromLocal(file, location);
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot draw the sweep's chart for " + location, e);
    }
  }
}
