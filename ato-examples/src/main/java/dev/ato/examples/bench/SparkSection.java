package dev.ato.examples.bench;

import static dev.ato.examples.bench.BenchmarkPage.format;
import static dev.ato.examples.bench.BenchmarkPage.percent;

/**
 * The page's Spark section: a compressed network scoring all of Fashion-MNIST through {@code
 * SparkScorer} on a local Spark, beside a loop of one predictor in the same JVM.
 */
final class SparkSection {

  private SparkSection() {}

  static void render(StringBuilder page, BenchmarkResult r) {
    page.append("\n## Scoring on Spark (`").append(r.row()).append("`)\n\n");
    BenchmarkPage.header(page, r);
    page.append('\n')
        .append(
            "Images scored per second over all %s images, medians over %s rounds with the lowest"
                .formatted(format(r.figure("images"), 0), format(r.figure("repeats"), 0)))
        .append(" and highest; the network keeps ")
        .append(percent(1 - r.figure("flops_reduction")))
        .append(" of the dense FLOPs.\n\n")
        .append("| | images/s |\n")
        .append("| --- | --- |\n")
        .append(row(r, "one JVM, a loop of one predictor", "loop_images_per_second"))
        .append(row(r, "local Spark, SparkScorer", "spark_images_per_second"))
        .append('\n')
        .append("Spark's throughput is ")
        .append(format(r.figure("spark_to_loop"), 2))
        .append("x the loop's (")
        .append(format(r.figure("spark_to_loop_min"), 2))
        .append("-")
        .append(format(r.figure("spark_to_loop_max"), 2))
        .append(" over the rounds); ")
        .append(format(r.figure("same_predictions"), 0))
        .append(" of ")
        .append(format(r.figure("images"), 0))
        .append(" predictions are the loop's.\n");
  }

  private static String row(BenchmarkResult r, String label, String figure) {
    return "| %s | %s (%s-%s) |\n"
        .formatted(
            label,
            format(r.figure(figure), 0),
            format(r.figure(figure + "_min"), 0),
            format(r.figure(figure + "_max"), 0));
  }
}
