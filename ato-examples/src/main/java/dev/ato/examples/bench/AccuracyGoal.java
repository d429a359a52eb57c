package dev.ato.examples.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The full-scale goal of issue 27 for one FLOPs target at equal epochs: ATO on the builder's
 * defaults at least as accurate as magnitude pruning with fine-tuning (Torch-Pruning's protocol
 * against ATO's single run), and within {@value #DENSE_GAP_GOAL} points of dense. The page gives
 * the differences of the rows' means; the verdicts come from the differences seed by seed (the same
 * seed in each row), met or missed only when every seed's difference lies on one side of the goal
 * ({@link Verdict}), and only when the rows share {@value #GOAL_SEEDS} seeds or more measured on
 * one kind of machine. Otherwise the page says why there is no verdict.
 *
 * @param targetReduction the FLOPs share the pruned rows remove
 * @param overTuned ATO's mean accuracy minus magnitude + fine-tuning's, in points
 * @param belowDense dense's mean accuracy minus ATO's, in points
 * @param overTunedBySeed ATO's accuracy minus magnitude + fine-tuning's for each shared seed
 * @param belowDenseBySeed dense's accuracy minus ATO's for each shared seed
 * @param noVerdict why the goal is not judged; empty when it is
 */
record AccuracyGoal(
    double targetReduction,
    double overTuned,
    double belowDense,
    List<Double> overTunedBySeed,
    List<Double> belowDenseBySeed,
    List<String> noVerdict) {

  /** How close to dense ATO on the defaults should come at equal epochs: points. */
  static final double DENSE_GAP_GOAL = 0.3;

  /** Seeds the three rows must share before the goal is judged. */
  static final int GOAL_SEEDS = 3;

  AccuracyGoal {
    overTunedBySeed = List.copyOf(overTunedBySeed);
    belowDenseBySeed = List.copyOf(belowDenseBySeed);
    noVerdict = List.copyOf(noVerdict);
  }

  /** The goal on three accuracy rows of one FLOPs target and one number of epochs. */
  static AccuracyGoal of(BenchmarkResult ato, BenchmarkResult tuned, BenchmarkResult dense) {
    Map<Long, Double> atoBySeed = SeedRecords.accuracies(ato);
    Map<Long, Double> tunedBySeed = SeedRecords.accuracies(tuned);
    Map<Long, Double> denseBySeed = SeedRecords.accuracies(dense);
    List<Double> overTunedBySeed = new ArrayList<>();
    List<Double> belowDenseBySeed = new ArrayList<>();
    for (Map.Entry<Long, Double> seed : atoBySeed.entrySet()) {
      Double tunedAccuracy = tunedBySeed.get(seed.getKey());
      Double denseAccuracy = denseBySeed.get(seed.getKey());
      if (tunedAccuracy != null && denseAccuracy != null) {
        overTunedBySeed.add(100 * (seed.getValue() - tunedAccuracy));
        belowDenseBySeed.add(100 * (denseAccuracy - seed.getValue()));
      }
    }
    List<String> reasons = new ArrayList<>();
    if (!BenchmarkPage.sameMachine(ato, tuned) || !BenchmarkPage.sameMachine(ato, dense)) {
      reasons.add("the three rows were measured on different kinds of machine");
    }
    if (overTunedBySeed.size() < GOAL_SEEDS) {
      reasons.add(
          String.format(
              Locale.ROOT,
              "it needs %d seeds measured in each of the three rows (they have %d, %d and %d, "
                  + "%d of them shared)",
              GOAL_SEEDS,
              ato.seeds(),
              tuned.seeds(),
              dense.seeds(),
              overTunedBySeed.size()));
    }
    return new AccuracyGoal(
        ato.figure("target_reduction"),
        100 * (ato.figure("accuracy") - tuned.figure("accuracy")),
        100 * (dense.figure("accuracy") - ato.figure("accuracy")),
        overTunedBySeed,
        belowDenseBySeed,
        reasons);
  }

  boolean judged() {
    return noVerdict.isEmpty();
  }

  /** The goal's paragraph on the page: the differences, then the verdicts or why there are none. */
  void appendTo(StringBuilder page) {
    page.append("\nGoal at -")
        .append(BenchmarkPage.percent(targetReduction))
        .append(", equal epochs: ATO on the builder's defaults at least as accurate as ")
        .append("magnitude pruning with fine-tuning, and within ")
        .append(BenchmarkPage.format(DENSE_GAP_GOAL, 1))
        .append(" points of dense, on every seed. ATO against magnitude + fine-tuning: ")
        .append(points(overTuned));
    if (judged()) {
      page.append(bySeed(overTunedBySeed, 0));
    }
    page.append("; against dense: ").append(points(-belowDense));
    if (judged()) {
      page.append(bySeed(belowDenseBySeed.stream().map(d -> -d).toList(), -DENSE_GAP_GOAL))
          .append(". Means over each row's seeds, ranges over the same seed in each row; ")
          .append("docs/results.md says what was tried.\n");
    } else {
      page.append(". No verdict yet: ").append(String.join("; ", noVerdict)).append(".\n");
    }
  }

  private static String points(double difference) {
    return String.format(Locale.ROOT, "%+.2f points", difference);
  }

  /**
   * The seed-by-seed range of {@code differences} and its verdict against {@code atLeast}, with how
   * far short of it the seeds fell when they all did.
   */
  private static String bySeed(List<Double> differences, double atLeast) {
    double min = differences.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    double max = differences.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    Verdict verdict = Verdict.atLeast(min, max, atLeast);
    String shortfall =
        verdict == Verdict.MISSED
            ? String.format(Locale.ROOT, " by %.2f-%.2f points", atLeast - max, atLeast - min)
            : "";
    return String.format(
        Locale.ROOT,
        " (seed by seed %+.2f to %+.2f: %s%s)",
        min,
        max,
        verdict.markdown(),
        shortfall);
  }
}
