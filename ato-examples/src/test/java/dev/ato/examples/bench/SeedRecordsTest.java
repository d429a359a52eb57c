package dev.ato.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ato.examples.bench.AccuracyBenchmark.Outcome;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SeedRecordsTest {
  private static final Map<String, String> MACHINE =
      Map.of(
          "cpu", "Test CPU",
          "cores", "2",
          "engine", "PyTorch 2.7.1 (DJL 0.35.1)",
          "onednn_isa", "ALL",
          "threads", "2 intra-op, 1 inter-op");
  private static final Map<String, String> SETTINGS =
      Map.of("method", "ATO", "scale", "ResNet-20, 60,000 images", "recipe", "batch 64");

  private static Outcome outcome(long seed, double accuracy, double seconds) {
    return new Outcome("ato", "ATO", 0.5, seed, accuracy, 0.497, 0.52, 12, seconds, 8, 535, true);
  }

  /** A row as the command stores it, of {@code seeds}, measured on {@code machine}. */
  private static BenchmarkResult stored(Map<String, String> machine, List<Outcome> seeds) {
    Map<String, Double> figures = new LinkedHashMap<>();
    figures.put("accuracy", seeds.stream().mapToDouble(Outcome::accuracy).average().orElseThrow());
    figures.put("controller_updates", 535.0);
    figures.put(BenchmarkPage.TRAINED_COMPRESSED, 1.0);
    Map<String, String> settings = new LinkedHashMap<>(SETTINGS);
    settings.put("seeds", seeds.stream().map(o -> String.valueOf(o.seed())).toList().toString());
    SeedRecords.write(
        seeds.stream()
            .map(o -> new SeedRecords.Seed(o, "2026-12-07T18:00:00Z", "mvn ... accuracy"))
            .toList(),
        figures,
        settings);
    return new BenchmarkResult(
        "accuracy-resnet20_60000img_12ep-ato-50",
        "accuracy",
        "mvn ... accuracy",
        "2026-12-07T18:00:00Z",
        machine,
        settings,
        figures);
  }

  @Test
  void aRunOfTheNextSeedKeepsTheStoredSeedWithItsOwnFigures() {
    BenchmarkResult row = stored(MACHINE, List.of(outcome(42, 0.93, 3000)));

    SeedRecords.Kept kept =
        SeedRecords.kept(row, MACHINE, SETTINGS, outcome(43, 0, 0), Set.of(43L));

    assertThat(kept.refused()).isEmpty();
    assertThat(kept.seeds())
        .singleElement()
        .satisfies(
            seed -> {
              assertThat(seed.outcome()).isEqualTo(outcome(42, 0.93, 3000));
              assertThat(seed.date()).isEqualTo("2026-12-07T18:00:00Z");
              assertThat(seed.command()).isEqualTo("mvn ... accuracy");
            });
  }

  @Test
  void aSeedTheRunMeasuresAgainIsReplacedNotKept() {
    BenchmarkResult row =
        stored(MACHINE, List.of(outcome(42, 0.93, 3000), outcome(43, 0.92, 3100)));

    SeedRecords.Kept kept =
        SeedRecords.kept(row, MACHINE, SETTINGS, outcome(43, 0, 0), Set.of(43L));

    assertThat(kept.seeds()).extracting(s -> s.outcome().seed()).containsExactly(42L);
  }

  @Test
  void aRunOfTheSameSeedsReplacesARowFromAnotherMachineWithoutAReason() {
    Map<String, String> sse41 = new LinkedHashMap<>(MACHINE);
    sse41.put("onednn_isa", "SSE41");
    BenchmarkResult row = stored(sse41, List.of(outcome(42, 0.93, 3000)));

    SeedRecords.Kept kept =
        SeedRecords.kept(row, MACHINE, SETTINGS, outcome(42, 0, 0), Set.of(42L, 43L));

    assertThat(kept.seeds()).isEmpty();
    assertThat(kept.refused()).isEmpty();
  }

  @Test
  void aRowOfOneSeedStoredBeforeSeedFiguresGivesItsSeedFromTheRowsFigures() {
    Map<String, Double> figures = new LinkedHashMap<>();
    figures.put("accuracy", 0.9322);
    figures.put("flops_reduction", 0.497);
    figures.put("parameter_reduction", 0.52);
    figures.put("train_seconds", 3000.0);
    figures.put("channel_multiple_min", 8.0);
    figures.put("controller_updates", 535.0);
    figures.put(BenchmarkPage.TRAINED_COMPRESSED, 1.0);
    BenchmarkResult row = storedBeforeSeedFigures("[42]", figures);

    SeedRecords.Kept kept =
        SeedRecords.kept(row, MACHINE, SETTINGS, outcome(43, 0, 0), Set.of(43L));

    assertThat(kept.seeds())
        .singleElement()
        .satisfies(
            seed -> {
              assertThat(seed.outcome()).isEqualTo(outcome(42, 0.9322, 3000));
              assertThat(seed.command()).isEqualTo("old");
            });
  }

  @Test
  void aRowOfSeveralSeedsStoredAsAMeanOnlyKeepsNoneAndSaysWhy() {
    BenchmarkResult row =
        storedBeforeSeedFigures(
            "[42, 43]",
            Map.of(
                "accuracy",
                0.93,
                "controller_updates",
                535.0,
                BenchmarkPage.TRAINED_COMPRESSED,
                1.0));

    SeedRecords.Kept kept =
        SeedRecords.kept(row, MACHINE, SETTINGS, outcome(44, 0, 0), Set.of(44L));

    assertThat(kept.seeds()).isEmpty();
    assertThat(kept.refused()).hasValueSatisfying(why -> assertThat(why).contains("[42, 43]"));
  }

  @Test
  void seedsMeasuredOnAnotherInstructionSetAreNotKept() {
    Map<String, String> sse41 = new LinkedHashMap<>(MACHINE);
    sse41.put("onednn_isa", "SSE41");
    BenchmarkResult row = stored(sse41, List.of(outcome(42, 0.93, 3000)));

    SeedRecords.Kept kept =
        SeedRecords.kept(row, MACHINE, SETTINGS, outcome(43, 0, 0), Set.of(43L));

    assertThat(kept.seeds()).isEmpty();
    assertThat(kept.refused())
        .hasValueSatisfying(why -> assertThat(why).contains("onednn_isa was SSE41, now ALL"));
  }

  @Test
  void oneDnnsOwnChoiceIsTheWidestInstructionSet() {
    Map<String, String> unset = new LinkedHashMap<>(MACHINE);
    unset.put("onednn_isa", "oneDNN's choice");
    BenchmarkResult row = stored(unset, List.of(outcome(42, 0.93, 3000)));

    assertThat(SeedRecords.kept(row, MACHINE, SETTINGS, outcome(43, 0, 0), Set.of(43L)).seeds())
        .hasSize(1);
  }

  @Test
  void seedsOfAnotherRecipeAreNotKept() {
    BenchmarkResult row = stored(MACHINE, List.of(outcome(42, 0.93, 3000)));
    Map<String, String> otherRecipe = new LinkedHashMap<>(SETTINGS);
    otherRecipe.put("recipe", "batch 128");

    SeedRecords.Kept kept =
        SeedRecords.kept(row, MACHINE, otherRecipe, outcome(43, 0, 0), Set.of(43L));

    assertThat(kept.seeds()).isEmpty();
    assertThat(kept.refused()).hasValueSatisfying(why -> assertThat(why).contains("recipe"));
  }

  @Test
  void seedsOfARunThatKeptTheDenseModelToTheEndAreNotKeptBesideOneThatSwapped() {
    BenchmarkResult row = stored(MACHINE, List.of(outcome(42, 0.93, 3000)));
    Outcome denseToTheEnd = new Outcome("ato", "ATO", 0.5, 43, 0, 0, 0, 12, 0, 8, 535, false);

    SeedRecords.Kept kept = SeedRecords.kept(row, MACHINE, SETTINGS, denseToTheEnd, Set.of(43L));

    assertThat(kept.seeds()).isEmpty();
    assertThat(kept.refused())
        .hasValueSatisfying(why -> assertThat(why).contains("after the freeze"));
  }

  @Test
  void theSeedsAreReadFromTheRowsList() {
    assertThat(
            SeedRecords.seedsOf(stored(MACHINE, List.of(outcome(42, 0.9, 1), outcome(44, 0.9, 1)))))
        .containsExactly(42L, 44L);
  }

  @Test
  void eachSeedsAccuracyIsReadFromItsOwnFigure() {
    assertThat(
            SeedRecords.accuracies(
                stored(MACHINE, List.of(outcome(42, 0.91, 1), outcome(44, 0.93, 1)))))
        .containsExactly(Map.entry(42L, 0.91), Map.entry(44L, 0.93));
  }

  @Test
  void aOneSeedRowStoredBeforeSeedFiguresGivesTheRowsAccuracy() {
    BenchmarkResult row = storedBeforeSeedFigures("[42]", Map.of("accuracy", 0.92));

    assertThat(SeedRecords.accuracies(row)).containsExactly(Map.entry(42L, 0.92));
  }

  /** A row as rows were stored before each seed's figures: the seeds listed, the row's figures. */
  private static BenchmarkResult storedBeforeSeedFigures(
      String seeds, Map<String, Double> figures) {
    Map<String, String> settings = new LinkedHashMap<>(SETTINGS);
    settings.put("seeds", seeds);
    return new BenchmarkResult(
        "accuracy-x-ato-50", "accuracy", "old", "2026-12-06", MACHINE, settings, figures);
  }
}
