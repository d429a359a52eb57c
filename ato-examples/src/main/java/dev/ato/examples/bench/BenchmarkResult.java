package dev.ato.examples.bench;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One stored benchmark row: what ran, where, when, and the figures it measured. Stored as {@code
 * ROW.json} in the results directory, one file per row, so that rows can be run apart and the page
 * written again from all of them.
 *
 * @param row the row's name, also its file name
 * @param kind which table of the page the row belongs to
 * @param command the command that produced it
 * @param date when it ran (ISO-8601, UTC)
 * @param machine the machine and engine it ran on
 * @param settings the settings of the run, as the page shows them
 * @param figures what it measured
 */
record BenchmarkResult(
    String row,
    String kind,
    String command,
    String date,
    Map<String, String> machine,
    Map<String, String> settings,
    Map<String, Double> figures) {

  /** The figure of a row measured over several seeds: how many. */
  static final String SEEDS = "seeds";

  private static final Gson GSON =
      new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

  BenchmarkResult {
    checkArgument(
        row != null && row.matches("[a-z0-9_-]+"),
        "a row name is lower-case letters, digits, underscores and dashes, found '%s'",
        row);
    checkArgument(
        kind != null && machine != null && settings != null && figures != null,
        "the result '%s' lacks its kind, machine, settings or figures",
        row);
    machine = Collections.unmodifiableMap(new LinkedHashMap<>(machine));
    settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    figures = Collections.unmodifiableMap(new LinkedHashMap<>(figures));
  }

  /** The figure called {@code name}; fails naming the row when it has none. */
  double figure(String name) {
    Double value = figures.get(name);
    checkArgument(
        value != null,
        "the result '%s' has no figure '%s' (it has %s)",
        row,
        name,
        figures.keySet());
    return value;
  }

  /** The seeds a row measured, from its figure "seeds"; 1 for a row without one. */
  int seeds() {
    Double seeds = figures.get(SEEDS);
    return seeds == null ? 1 : seeds.intValue();
  }

  /**
   * Writes {@code ROW.json} into {@code directory}, replacing an earlier run of the row, unless
   * that one measured more seeds: a rerun with fewer seeds (or one still on its first seeds) never
   * overwrites a row of more.
   *
   * @return the file written; empty when the stored row was kept
   */
  Optional<Path> write(Path directory) {
    try {
      Files.createDirectories(directory);
      Path file = directory.resolve(row + ".json");
      if (Files.exists(file) && read(file).seeds() > seeds()) {
        return Optional.empty();
      }
      Path partial = directory.resolve(row + ".json.partial");
      Files.writeString(partial, GSON.toJson(this) + "\n", StandardCharsets.UTF_8);
      Files.move(
          partial,
          file,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return Optional.of(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the benchmark result to " + directory, e);
    }
  }

  /** Every result stored in {@code directory}, by row name; none when it does not exist. */
  static List<BenchmarkResult> readAll(Path directory) {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(directory)) {
      List<BenchmarkResult> results = new ArrayList<>();
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        results.add(read(file));
      }
      return results;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the benchmark results in " + directory, e);
    }
  }

  static BenchmarkResult read(Path file) {
    try {
      BenchmarkResult result = GSON.fromJson(Files.readString(file), BenchmarkResult.class);
      checkArgument(result != null, "%s holds no benchmark result", file);
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the benchmark result " + file, e);
    } catch (JsonParseException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "the benchmark result "
              + file
              + " is damaged ("
              + e.getMessage()
              + "); run its row again",
          e);
    }
  }
}
