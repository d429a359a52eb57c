package dev.ato.examples.bench;

import com.google.common.base.Splitter;
import dev.ato.examples.bench.AccuracyBenchmark.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The seeds of an accuracy row, one by one, inside its stored result: so that the seeds of a row
 * can be measured by several runs of the command ({@code --first-seed}), each an hour or more at
 * full scale, and the row still holds every seed's figures and the command and date that measured
 * it. A stored row's seeds are taken back only when the row was measured on the same kind of
 * machine, with the same method, scale and recipe; otherwise the new run's seeds replace them.
 */
final class SeedRecords {
  private static final String PREFIX = "seed_";
  private static final String ACCURACY = "accuracy";
  private static final String FLOPS = "flops_reduction";
  private static final String PARAMETERS = "parameter_reduction";
  private static final String SECONDS = "train_seconds";
  private static final String MULTIPLE = "channel_multiple";
  private static final String DATE = "date";
  private static final String COMMAND = "command";

  /**
   * What must match for seeds measured apart to share a row: results move with the processor,
   * oneDNN's instruction set and the thread count (summation order), and the engine.
   */
  private static final String ISA = "onednn_isa";

  private static final List<String> MACHINE_KEYS =
      List.of("cpu", "cores", "engine", ISA, "threads");

  /** What the row's settings must hold equal: the method, the data and training scale, recipe. */
  private static final List<String> SETTING_KEYS = List.of("method", "scale", "recipe");

  private SeedRecords() {}

  /** One seed of a row and where it was measured. */
  record Seed(Outcome outcome, String date, String command) {}

  /** The name of the figure or setting {@code what} of seed {@code seed}: {@code seed_42_what}. */
  static String key(long seed, String what) {
    return PREFIX + seed + "_" + what;
  }

  /** The command that measured seed {@code seed} of {@code r}; empty in rows stored before. */
  static Optional<String> command(BenchmarkResult r, long seed) {
    return Optional.ofNullable(r.settings().get(key(seed, COMMAND)));
  }

  /** When seed {@code seed} of {@code r} was measured; empty in rows stored before. */
  static Optional<String> date(BenchmarkResult r, long seed) {
    return Optional.ofNullable(r.settings().get(key(seed, DATE)));
  }

  /** Writes each seed's figures into {@code figures} and its date and command into settings. */
  static void write(List<Seed> seeds, Map<String, Double> figures, Map<String, String> settings) {
    for (Seed seed : seeds) {
      Outcome outcome = seed.outcome();
      long s = outcome.seed();
      figures.put(key(s, ACCURACY), outcome.accuracy());
      figures.put(key(s, FLOPS), outcome.flopsReduction());
      figures.put(key(s, PARAMETERS), outcome.parameterReduction());
      figures.put(key(s, SECONDS), outcome.seconds());
      if (outcome.channelMultiple() > 0) {
        figures.put(key(s, MULTIPLE), (double) outcome.channelMultiple());
      }
      settings.put(key(s, DATE), seed.date());
      settings.put(key(s, COMMAND), seed.command());
    }
  }

  /**
   * The seeds of {@code stored} other than {@code measuring}, when {@code stored} was measured on
   * the same kind of machine as {@code machine}, with {@code settings}' method, scale and recipe
   * and the same controller as {@code like}; a reason why not otherwise.
   *
   * @param stored the row as stored
   * @param machine this run's machine ({@link Machine#describe()})
   * @param settings this run's settings of the row
   * @param like an outcome of this run in the row
   * @param measuring the seeds this run measures, which replace the stored ones
   */
  static Kept kept(
      BenchmarkResult stored,
      Map<String, String> machine,
      Map<String, String> settings,
      Outcome like,
      Set<Long> measuring) {
    List<Long> seeds = seedsOf(stored);
    if (measuring.containsAll(seeds)) {
      return new Kept(List.of(), Optional.empty());
    }
    Optional<String> differs = difference(stored, machine, settings, like);
    if (differs.isPresent()) {
      return new Kept(List.of(), differs);
    }
    List<Seed> kept = new ArrayList<>();
    for (long seed : seeds) {
      if (measuring.contains(seed)) {
        continue;
      }
      Optional<Seed> read = read(stored, seed, seeds.size(), like);
      if (read.isEmpty()) {
        return new Kept(
            List.of(),
            Optional.of(
                "it holds only the mean of its seeds " + seeds + ", not each seed's figures"));
      }
      kept.add(read.get());
    }
    return new Kept(kept, Optional.empty());
  }

  /**
   * The seeds taken back from a stored row, or why none were.
   *
   * @param seeds the stored seeds this run does not measure again
   * @param refused why the stored row's seeds were not taken back, when they were not
   */
  record Kept(List<Seed> seeds, Optional<String> refused) {}

  private static Optional<String> difference(
      BenchmarkResult stored,
      Map<String, String> machine,
      Map<String, String> settings,
      Outcome like) {
    for (String key : MACHINE_KEYS) {
      String was =
          key.equals(ISA) ? Machine.instructionSet(stored.machine()) : stored.machine().get(key);
      String is = key.equals(ISA) ? Machine.instructionSet(machine) : machine.get(key);
      if (!Objects.equals(was, is)) {
        return Optional.of(String.format(Locale.ROOT, "its %s was %s, now %s", key, was, is));
      }
    }
    for (String key : SETTING_KEYS) {
      if (!Objects.equals(stored.settings().get(key), settings.get(key))) {
        return Optional.of(
            String.format(
                Locale.ROOT,
                "its %s was '%s', now '%s'",
                key,
                stored.settings().get(key),
                settings.get(key)));
      }
    }
    double updates = stored.figures().getOrDefault("controller_updates", 0.0);
    boolean compressed = stored.figures().containsKey(BenchmarkPage.TRAINED_COMPRESSED);
    if (updates != like.controllerUpdates() || compressed != like.trainedCompressedAfterFreeze()) {
      return Optional.of(
          String.format(
              Locale.ROOT,
              "its controller made %.0f updates%s, now %d%s",
              updates,
              compressed ? " and trained the compressed network after the freeze" : "",
              like.controllerUpdates(),
              like.trainedCompressedAfterFreeze()
                  ? " and trains the compressed network after the freeze"
                  : ""));
    }
    return Optional.empty();
  }

  /** The seeds a row lists in its setting "seeds", such as {@code [42, 43]}. */
  static List<Long> seedsOf(BenchmarkResult stored) {
    String listed = stored.settings().getOrDefault("seeds", "[]").replaceAll("[\\[\\]]", "");
    List<Long> seeds = new ArrayList<>();
    for (String seed : Splitter.on(',').trimResults().omitEmptyStrings().split(listed)) {
      seeds.add(Long.parseLong(seed));
    }
    return seeds;
  }

  /**
   * Each seed's accuracy in {@code row}: its own figure, or the row's in a row of one seed stored
   * before rows kept each seed's figures.
   */
  static Map<Long, Double> accuracies(BenchmarkResult row) {
    Map<Long, Double> bySeed = new TreeMap<>();
    List<Long> seeds = seedsOf(row);
    for (long seed : seeds) {
      Double own = row.figures().get(key(seed, ACCURACY));
      if (own != null) {
        bySeed.put(seed, own);
      } else if (seeds.size() == 1) {
        bySeed.put(seed, row.figure(ACCURACY));
      }
    }
    return bySeed;
  }

  /**
   * Seed {@code seed} of a stored row: from its own figures, or, in a row of that seed alone stored
   * before rows kept each seed's figures, from the row's.
   */
  private static Optional<Seed> read(BenchmarkResult stored, long seed, int count, Outcome like) {
    Map<String, Double> figures = stored.figures();
    boolean own = figures.containsKey(key(seed, ACCURACY));
    if (!own && count != 1) {
      return Optional.empty();
    }
    String multiple = own ? key(seed, MULTIPLE) : "channel_multiple_min";
    Outcome outcome =
        new Outcome(
            like.method(),
            like.description(),
            like.target(),
            seed,
            figures.get(own ? key(seed, ACCURACY) : ACCURACY),
            figures.get(own ? key(seed, FLOPS) : FLOPS),
            figures.get(own ? key(seed, PARAMETERS) : PARAMETERS),
            like.epochs(),
            figures.get(own ? key(seed, SECONDS) : SECONDS),
            figures.getOrDefault(multiple, 0.0).intValue(),
            like.controllerUpdates(),
            like.trainedCompressedAfterFreeze());
    return Optional.of(
        new Seed(
            outcome,
            date(stored, seed).orElse(stored.date()),
            command(stored, seed).orElse(stored.command())));
  }
}
