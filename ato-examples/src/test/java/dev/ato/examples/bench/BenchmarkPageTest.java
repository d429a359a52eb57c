package dev.ato.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchmarkPageTest {
  private static final Path RESULTS = Path.of("benchmarks/results");

  private static String page(Map<String, Double> changes) {
    return BenchmarkPage.render(List.of(SpeedResults.with(changes)), RESULTS);
  }

  @Test
  void aPageWithoutResultsSaysSo() {
    assertThat(BenchmarkPage.render(List.of(), RESULTS)).contains("No speed row is stored yet");
  }

  @Test
  void theRowNamesItsCommandDateAndMachine() {
    assertThat(page(Map.of()))
        .contains("Command: `mvn ... speed`")
        .contains("Ran 2026-12-03T16:00:00Z on Test CPU, 2 cores")
        .contains("ONEDNN_MAX_CPU_ISA SSE41");
  }

  @Test
  void atoOnTheDefaultsIsInconclusiveWhenItsRoundsStraddleTheTarget() {
    assertThat(page(Map.of()))
        .contains(
            "| ATO on the builder's defaults: speed vs plain DJL | 0.89x (0.85x-0.95x) | at least "
                + "0.90x | inconclusive |");
  }

  @Test
  void atoOnTheDefaultsIsMetWhenEvenItsSlowestRoundClearsTheTarget() {
    assertThat(page(Map.of("ato_defaults_vs_plain_min", 0.91, "ato_defaults_vs_plain", 0.93)))
        .contains(
            "| ATO on the builder's defaults: speed vs plain DJL | 0.93x (0.91x-0.95x) | at least "
                + "0.90x | met |");
  }

  @Test
  void atoOnTheDefaultsIsMissedWhenEvenItsFastestRoundFallsShort() {
    assertThat(page(Map.of("ato_defaults_vs_plain_max", 0.89)))
        .contains(
            "| ATO on the builder's defaults: speed vs plain DJL | 0.89x (0.85x-0.89x) | at least "
                + "0.90x | **missed** |");
  }

  @Test
  void theDefaultsLoopNamesItsControllerSpacing() {
    assertThat(page(Map.of()))
        .contains(
            "| ATO on the builder's defaults (controller every step: 77 updates) | 0.5600 "
                + "(0.5040-0.6160) | 229 | 0.89x (0.85x-0.95x) |");
    assertThat(page(Map.of("controller_interval", 8.0, "controller_updates", 10.0)))
        .contains("| ATO on the builder's defaults (controller every 8 steps: 10 updates) |");
  }

  @Test
  void theProjectionShareIsJudgedOnItsHighestRound() {
    assertThat(page(Map.of()))
        .contains(
            "| projection's share of a projecting step, defaults (each round's median) | 0.8% "
                + "(0.6%-2.0%) | at most 3.0% | met |");
  }

  @Test
  void theInferenceSpeedUpIsSetAgainstTheFlopsRatio() {
    // 1.6x-1.7x of an ideal 2x is 0.80-0.85 (met); 0.96x-1.04x is 0.48-0.52 (missed).
    assertThat(page(Map.of()))
        .contains(
            "| inference speed-up at batch 64, share of the FLOPs ratio, defaults | 0.80 "
                + "(0.80-0.85) | at least 0.80 | met |")
        .contains(
            "| inference speed-up at batch 1, share of the FLOPs ratio, defaults | 0.50 "
                + "(0.48-0.52) | at least 0.80 | **missed** |")
        .contains(
            "| inference speed-up at batch 64, share of the FLOPs ratio, channels unrounded | "
                + "0.85 (0.75-0.90) | at least 0.80 | inconclusive |");
  }

  @Test
  void bothCompressedNetworksGetInferenceRows() {
    assertThat(page(Map.of()))
        .contains(
            "| builder's defaults, channels in multiples of 8 | -50.0% | 64 | 64.00 | 40.00 | "
                + "1.60x (1.60x-1.70x) | 2.00x | 0.80 (0.80-0.85) |")
        .contains(
            "| controller every 20 steps, channels unrounded | -50.0% | 64 | 68.00 | 40.00 | "
                + "1.70x (1.50x-1.80x) | 2.00x | 0.85 (0.75-0.90) |");
  }

  @Test
  void aMissedBatchOneTargetIsExplainedByTheFixedCost() {
    // 4 ms = fixed + k f and 4 ms = fixed + k f / 2: all of it fixed.
    assertThat(page(Map.of())).contains("leaves 4.00 ms of it fixed");
    assertThat(page(Map.of("inference_speedup_batch_1_min", 1.7))).doesNotContain("**Batch 1.**");
  }

  @Test
  void throughputIsSetAgainstPytorchAtTheSameIsaRoundByRound() {
    assertThat(page(Map.of()))
        .contains(
            "| plain DJL throughput / PyTorch eager, same ISA | 1.00 (0.96-1.04) | at least 0.95 "
                + "| met |")
        .contains(
            "| ATO on the defaults, throughput / PyTorch eager, same ISA | 0.89 (0.85-0.89) | at "
                + "least 0.90 | **missed** |")
        .contains(
            "| plain DJL throughput / PyTorch eager on oneDNN's own ISA | 0.25 (0.24-0.26) | "
                + "reported |  |")
        .contains(
            "| plain DJL (`EasyTrain.fit`) | 0.5000 (0.4500-0.5500) | 256 | 1.00x | 1.00x "
                + "(0.96x-1.04x) |");
  }

  @Test
  void widthsAreComparedWithTheWidestNetwork() {
    assertThat(page(Map.of())).contains("| 11 | 500 | 0.50 | 120.00 | 1.20 |");
  }

  @Test
  void withoutThePeerThePytorchRowsAreLeftOut() {
    BenchmarkResult full = SpeedResults.with(Map.of());
    Map<String, Double> figures = new java.util.LinkedHashMap<>(full.figures());
    figures.keySet().removeIf(k -> k.startsWith("pytorch") || k.contains("_vs_pytorch"));
    BenchmarkResult noPeer =
        new BenchmarkResult(
            full.row(),
            full.kind(),
            full.command(),
            full.date(),
            full.machine(),
            full.settings(),
            figures);
    assertThat(BenchmarkPage.render(List.of(noPeer), RESULTS))
        .doesNotContain("PyTorch eager")
        .contains("| plain DJL (`EasyTrain.fit`) | 0.5000 (0.4500-0.5500) | 256 | 1.00x |\n");
  }

  @Test
  void inconclusiveTargetsAreExplained() {
    assertThat(page(Map.of())).contains("**Inconclusive targets.**");
    assertThat(
            page(
                Map.of(
                    "ato_defaults_vs_plain_min",
                    0.91,
                    "inference_unrounded_speedup_batch_64_min",
                    1.6)))
        .doesNotContain("inconclusive |")
        .doesNotContain("**Inconclusive targets.**");
  }

  private static BenchmarkResult accuracyRow(
      String row, String method, double target, double accuracy) {
    return accuracyRow(row, method, target, accuracy, 4);
  }

  private static BenchmarkResult accuracyRow(
      String row, String method, double target, double accuracy, double epochs) {
    return new BenchmarkResult(
        row,
        "accuracy",
        "mvn ... accuracy",
        "2026-12-03T18:00:00Z",
        Map.of("cpu", "Test CPU", "cores", "2", "onednn_isa", "SSE41"),
        Map.of(
            "method",
            method,
            "scale",
            "ResNet-20, 10,000 images, 4 epochs",
            "recipe",
            "batch 64, SGD"),
        Map.of(
            "target_reduction",
            target,
            "accuracy",
            accuracy,
            "accuracy_min",
            accuracy - 0.01,
            "accuracy_max",
            accuracy + 0.01,
            "seeds",
            2.0,
            "flops_reduction",
            target + 0.002,
            "parameter_reduction",
            target - 0.1,
            "epochs",
            epochs,
            "train_seconds",
            300.0));
  }

  @Test
  void accuracyRowsAreSetAgainstTheDenseNetworkDenseFirstThenByTarget() {
    String page =
        BenchmarkPage.render(
            List.of(
                accuracyRow("accuracy-r20-uniform-50", "uniform", 0.5, 0.84),
                accuracyRow("accuracy-r20-ato-group-lasso-65", "ATO 65", 0.65, 0.83),
                accuracyRow("accuracy-r20-ato-group-lasso-50", "ATO 50", 0.5, 0.853),
                accuracyRow("accuracy-r20-dense", "dense", 0, 0.85)),
            RESULTS);

    assertThat(page)
        .contains("### ResNet-20, 10,000 images, 4 epochs")
        .contains("Recipe: batch 64, SGD.")
        .contains(
            "| ATO 50 [channels not rounded: before rounding was the builder's default] [stored "
                + "2026-12-03, before the controller's updates were spaced 8 steps apart] | -50.0% "
                + "| -50.2% | -40.0% | 85.3% (84.3%-86.3%) | 2 | +0.30 points | 4 | 5.0 |")
        .contains(
            "| uniform | -50.0% | -50.2% | -40.0% | 84.0% (83.0%-85.0%) | 2 | -1.00 " + "points |");
    assertThat(page.indexOf("| dense |")).isLessThan(page.indexOf("| ATO 50 "));
    assertThat(page.indexOf("| ATO 50 ")).isLessThan(page.indexOf("| uniform |"));
    assertThat(page.indexOf("| uniform |")).isLessThan(page.indexOf("| ATO 65 "));
    assertThat(page)
        .contains(
            "- `mvn ... accuracy` on Test CPU, 2 cores, ONEDNN_MAX_CPU_ISA "
                + "SSE41: `accuracy-r20-dense` (2026-12-03T18:00:00Z), `accuracy-r20-ato-group-lasso-50` "
                + "(2026-12-03T18:00:00Z)");
  }

  @Test
  void anAtoRowSaysWhatItsChannelsWereRoundedToAndARowOfASetMultipleSaysItInItsName() {
    Map<String, Double> rounded =
        new java.util.HashMap<>(accuracyRow("a", "m", 0.5, 0.85).figures());
    rounded.put("channel_multiple_min", 8.0);
    rounded.put("channel_multiple_max", 16.0);
    BenchmarkResult automatic =
        new BenchmarkResult(
            "accuracy-r20-ato-group-lasso-50",
            "accuracy",
            "mvn",
            "2026-12-07T00:00:00Z",
            Map.of(),
            Map.of("method", "ATO"),
            rounded);
    BenchmarkResult set =
        new BenchmarkResult(
            "accuracy-r20-ato-group-lasso-rounded16-50",
            "accuracy",
            "mvn",
            "2026-12-07T00:00:00Z",
            Map.of(),
            Map.of("method", "ATO"),
            rounded);

    assertThat(BenchmarkPage.rounding(automatic)).isEqualTo(" [channels in multiples of 8 to 16]");
    assertThat(BenchmarkPage.rounding(set)).isEmpty();
    assertThat(BenchmarkPage.rounding(accuracyRow("accuracy-r20-uniform-50", "uniform", 0.5, 0.84)))
        .isEmpty();
  }

  @Test
  void anAtoRowSaysHowOftenItsControllerTrained() {
    BenchmarkResult old = accuracyRow("accuracy-r20-ato-group-lasso-50", "ATO", 0.5, 0.84);
    Map<String, Double> figures = new LinkedHashMap<>(old.figures());
    figures.put("controller_updates", 563.0);
    BenchmarkResult denseToTheEnd =
        new BenchmarkResult(
            old.row(), "accuracy", "mvn", old.date(), old.machine(), old.settings(), figures);
    figures.put(BenchmarkPage.TRAINED_COMPRESSED, 1.0);
    BenchmarkResult counted =
        new BenchmarkResult(
            old.row(), "accuracy", "mvn", old.date(), old.machine(), old.settings(), figures);

    assertThat(BenchmarkPage.controller(counted)).isEqualTo(" [563 controller updates]");
    assertThat(BenchmarkPage.controller(denseToTheEnd))
        .isEqualTo(
            " [563 controller updates; the dense model trained to the end, before the swap]");
    assertThat(BenchmarkPage.controller(old))
        .isEqualTo(
            " [stored 2026-12-03, before the controller's updates were spaced 8 steps apart]");
    assertThat(
            BenchmarkPage.controller(
                accuracyRow("accuracy-r20-magnitude-50", "magnitude", 0.5, 0.84)))
        .isEmpty();
  }

  @Test
  void aRowIsSetAgainstTheDenseOneOnlyWhenBothRanOnOneKindOfMachine() {
    BenchmarkResult dense = accuracyRow("accuracy-r20-dense", "dense", 0, 0.85);
    BenchmarkResult here = accuracyRow("accuracy-r20-ato-group-lasso-50", "ATO", 0.5, 0.84);
    BenchmarkResult elsewhere =
        new BenchmarkResult(
            here.row(),
            "accuracy",
            "mvn",
            here.date(),
            Map.of("cpu", "Another CPU", "cores", "2", "onednn_isa", "ALL"),
            here.settings(),
            here.figures());

    assertThat(BenchmarkPage.againstDense(here, dense)).isEqualTo("-1.00 points");
    assertThat(BenchmarkPage.againstDense(elsewhere, dense))
        .isEqualTo("(dense row from another machine)");
  }

  @Test
  void aRowWhoseSeedsTwoCommandsMeasuredNamesEachSeedUnderItsCommand() {
    BenchmarkResult row = accuracyRow("accuracy-r20-ato-group-lasso-50", "ATO", 0.5, 0.84);
    Map<String, String> settings = new LinkedHashMap<>(row.settings());
    settings.put("seeds", "[42, 43]");
    settings.put("seed_42_date", "2026-12-07T18:00:00Z");
    settings.put("seed_42_command", "mvn ... accuracy --seeds 1");
    settings.put("seed_43_date", "2026-12-08T18:00:00Z");
    settings.put("seed_43_command", "mvn ... accuracy --first-seed 43 --seeds 1");
    BenchmarkResult measuredTwice =
        new BenchmarkResult(
            row.row(),
            "accuracy",
            "mvn ... accuracy --first-seed 43 --seeds 1",
            "2026-12-08T18:00:00Z",
            row.machine(),
            settings,
            row.figures());

    assertThat(BenchmarkPage.render(List.of(measuredTwice), RESULTS))
        .contains(
            "- `mvn ... accuracy --seeds 1` on Test CPU, 2 cores, ONEDNN_MAX_CPU_ISA SSE41: "
                + "`accuracy-r20-ato-group-lasso-50` (seed 42, 2026-12-07T18:00:00Z)\n")
        .contains(
            "- `mvn ... accuracy --first-seed 43 --seeds 1` on Test CPU, 2 cores, "
                + "ONEDNN_MAX_CPU_ISA SSE41: `accuracy-r20-ato-group-lasso-50` "
                + "(seed 43, 2026-12-08T18:00:00Z)\n");
  }

  private static BenchmarkResult withSeeds(BenchmarkResult row, int seeds) {
    Map<String, Double> figures = new LinkedHashMap<>(row.figures());
    figures.put(BenchmarkResult.SEEDS, (double) seeds);
    return new BenchmarkResult(
        row.row(), row.kind(), row.command(), row.date(), row.machine(), row.settings(), figures);
  }

  /** {@code row} measured on seeds 42, 43, ... with these accuracies, one a seed. */
  private static BenchmarkResult seeded(BenchmarkResult row, double... accuracies) {
    Map<String, Double> figures = new LinkedHashMap<>(row.figures());
    Map<String, String> settings = new LinkedHashMap<>(row.settings());
    List<Long> seeds = new java.util.ArrayList<>();
    for (int i = 0; i < accuracies.length; i++) {
      seeds.add(42L + i);
      figures.put(SeedRecords.key(42L + i, "accuracy"), accuracies[i]);
    }
    figures.put("accuracy", java.util.Arrays.stream(accuracies).average().orElseThrow());
    figures.put(BenchmarkResult.SEEDS, (double) accuracies.length);
    settings.put("seeds", seeds.toString());
    return new BenchmarkResult(
        row.row(), row.kind(), row.command(), row.date(), row.machine(), settings, figures);
  }

  /** The full-scale rows of seeds 42-44 as stored on 2026-12-07, or their first seeds alone. */
  private static List<BenchmarkResult> fullScale(int seeds) {
    return List.of(
        seeded(
            accuracyRow("accuracy-r20-dense", "dense", 0, 0, 12),
            java.util.Arrays.copyOf(new double[] {0.9363, 0.9368, 0.9379}, seeds)),
        seeded(
            accuracyRow("accuracy-r20-ato-group-lasso-50", "ATO", 0.5, 0, 12),
            java.util.Arrays.copyOf(new double[] {0.9306, 0.9335, 0.9337}, seeds)),
        seeded(
            accuracyRow("accuracy-r20-magnitude-fine-tuned-50", "magnitude + FT", 0.5, 0, 12),
            java.util.Arrays.copyOf(new double[] {0.9327, 0.9303, 0.9299}, seeds)));
  }

  @Test
  void theGoalIsJudgedSeedBySeedAgainstMagnitudeWithFineTuningAndAgainstDense() {
    assertThat(BenchmarkPage.render(fullScale(3), RESULTS))
        .contains("Goal at -50.0%, equal epochs")
        .contains(
            "ATO against magnitude + fine-tuning: +0.16 points "
                + "(seed by seed -0.21 to +0.38: inconclusive)")
        .contains(
            "against dense: -0.44 points "
                + "(seed by seed -0.57 to -0.33: **missed** by 0.03-0.27 points)");
  }

  @Test
  void theGoalIsMetWhenEverySeedClearsIt() {
    List<BenchmarkResult> rows =
        List.of(
            seeded(accuracyRow("accuracy-r20-dense", "dense", 0, 0, 12), 0.936, 0.937, 0.938),
            seeded(
                accuracyRow("accuracy-r20-ato-group-lasso-50", "ATO", 0.5, 0, 12),
                0.935,
                0.936,
                0.937),
            seeded(
                accuracyRow("accuracy-r20-magnitude-fine-tuned-50", "magnitude + FT", 0.5, 0, 12),
                0.934,
                0.931,
                0.932));

    assertThat(BenchmarkPage.render(rows, RESULTS))
        .contains("magnitude + fine-tuning: +0.37 points (seed by seed +0.10 to +0.50: met)")
        .contains("against dense: -0.10 points (seed by seed -0.10 to -0.10: met)");
  }

  @Test
  void theGoalHasNoVerdictBeforeTheRowsShareThreeSeeds() {
    assertThat(BenchmarkPage.render(fullScale(1), RESULTS))
        .contains("ATO against magnitude + fine-tuning: -0.21 points; against dense: -0.57 points.")
        .contains(
            "No verdict yet: it needs 3 seeds measured in each of the three rows "
                + "(they have 1, 1 and 1, 1 of them shared)")
        .doesNotContain("met)");
  }

  @Test
  void theGoalHasNoVerdictWhenTheRowsRanOnDifferentKindsOfMachine() {
    List<BenchmarkResult> rows = new java.util.ArrayList<>(fullScale(3));
    rows.add(onIsa(rows.remove(0), "ALL"));

    assertThat(BenchmarkPage.render(rows, RESULTS))
        .contains("No verdict yet: the three rows were measured on different kinds of machine.")
        .doesNotContain("met)");
  }

  @Test
  void rowsOfUnequalEpochsGetNoGoal() {
    List<BenchmarkResult> rows =
        List.of(
            withSeeds(accuracyRow("accuracy-r20-dense", "dense", 0, 0.85, 4), 3),
            withSeeds(accuracyRow("accuracy-r20-ato-group-lasso-50", "ATO", 0.5, 0.84, 4), 3),
            withSeeds(
                accuracyRow("accuracy-r20-magnitude-fine-tuned-50", "magnitude + FT", 0.5, 0.85, 6),
                3));

    assertThat(BenchmarkPage.render(rows, RESULTS)).doesNotContain("Goal at");
  }

  @Test
  void aRowRunWithoutAnInstructionSetSetComparesWithOneRunAtAll() {
    BenchmarkResult dense = accuracyRow("accuracy-r20-dense", "dense", 0, 0.85);
    BenchmarkResult here = accuracyRow("accuracy-r20-ato-group-lasso-50", "ATO", 0.5, 0.84);

    assertThat(BenchmarkPage.againstDense(onIsa(here, "oneDNN's choice"), onIsa(dense, "ALL")))
        .isEqualTo("-1.00 points");
  }

  private static BenchmarkResult onIsa(BenchmarkResult r, String isa) {
    return new BenchmarkResult(
        r.row(),
        r.kind(),
        r.command(),
        r.date(),
        Map.of("cpu", "Test CPU", "cores", "2", "onednn_isa", isa),
        r.settings(),
        r.figures());
  }

  @Test
  void theMethodOfARowIsItsNameWithoutPrefixScaleAndTarget() {
    assertThat(BenchmarkPage.method("accuracy-resnet20_10000img_4ep-magnitude-fine-tuned-65"))
        .isEqualTo("magnitude-fine-tuned");
    assertThat(BenchmarkPage.method("accuracy-resnet20_10000img_4ep-dense")).isEqualTo("dense");
  }

  @Test
  void theTrainingMinutesOfAnAccuracyTableAreNotOfferedAsACost() {
    String page =
        BenchmarkPage.render(
            List.of(
                accuracyRow("accuracy-r20-dense", "dense", 0, 0.85),
                accuracyRow("accuracy-r20-ato-group-lasso-50", "ATO 50", 0.5, 0.853)),
            RESULTS);

    assertThat(page)
        .contains("\"training min\" is one run's wall time")
        .contains("compares no method's cost with another's");
  }

  @Test
  void rowsOfEqualLengthSayHowManyEpochsEachTrains() {
    assertThat(
            BenchmarkPage.epochsNote(
                List.of(
                    accuracyRow("accuracy-r20-dense", "dense", 0, 0.85, 12),
                    accuracyRow("accuracy-r20-ato-group-lasso-50", "ATO", 0.5, 0.85, 12),
                    accuracyRow(
                        "accuracy-r20-magnitude-fine-tuned-50", "fine-tuned", 0.5, 0.85, 12))))
        .isEqualTo("Every pruned row trains for 12 epochs in all, fine-tuning included.");
  }

  @Test
  void rowsOfUnequalLengthPointAtTheEpochsColumn() {
    assertThat(
            BenchmarkPage.epochsNote(
                List.of(
                    accuracyRow("accuracy-r20-ato-group-lasso-50", "ATO", 0.5, 0.85, 4),
                    accuracyRow(
                        "accuracy-r20-magnitude-fine-tuned-50", "fine-tuned", 0.5, 0.85, 6))))
        .isEqualTo(
            "The pruned rows do not all train equally long (from 4 to 6 epochs, "
                + "fine-tuning included): the epochs column says how many.");
  }

  @Test
  void aPageWithoutAccuracyRowsSaysSo() {
    assertThat(page(Map.of())).contains("No accuracy row is stored yet");
  }
}
