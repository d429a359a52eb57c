package dev.ato.examples.bench;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The benchmark command. Each subcommand runs one row, stores its result file in the results
 * directory and writes the page again from every stored result; {@code page} only writes the page.
 * Run one benchmark at a time: two libtorch processes on a 2-core machine slow each other down many
 * times over.
 */
@Command(
    name = "ato-bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks of ato, stored row by row and gathered into docs/benchmarks.md.",
    subcommands = {
      SpeedBenchmark.class,
      AccuracyBenchmark.class,
      DeployBenchmark.class,
      ChannelMultipleBenchmark.class,
      BudgetRuns.class,
      ControllerConvergence.class,
      ControllerCost.class,
      ScalingBenchmark.class,
      SparkScoringBenchmark.class,
      Benchmarks.Page.class
    })
public final class Benchmarks implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(Benchmarks.class);
  static final String THREADS_PROPERTY = "ai.djl.pytorch.num_threads";
  static final String INTEROP_PROPERTY = "ai.djl.pytorch.num_interop_threads";
  static final String MAVEN_COMMAND =
      "mvn -B -ntp -q -Pdemo -DskipTests verify "
          + "-Dato.example.main=dev.ato.examples.bench.Benchmarks -Dato.args=\"%s\"";

  @Option(names = "--threads", description = "libtorch's intra-op threads (default: the cores)")
  Integer threads;

  @Option(
      names = "--results",
      defaultValue = "docs/benchmarks/results",
      description = "Directory of the stored results (default ${DEFAULT-VALUE}).")
  Path results;

  @Option(
      names = "--page",
      defaultValue = "docs/benchmarks.md",
      description = "The page written from them (default ${DEFAULT-VALUE}).")
  Path page;

  private String[] arguments = new String[0];

  private Benchmarks() {}

  /** Runs the command line; exits with its code. */
  public static void main(String[] args) {
    Benchmarks benchmarks = new Benchmarks();
    benchmarks.arguments = args.clone();
    System.exit(new CommandLine(benchmarks).execute(args));
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  int threads() {
    return threads != null ? threads : Runtime.getRuntime().availableProcessors();
  }

  /**
   * Sizes libtorch's thread pools before the engine starts: the intra-op pool to the threads asked
   * for, one inter-op thread, as the PyTorch peer is started with.
   */
  void configureEngine() {
    checkArgument(threads() >= 1, "--threads must be at least 1, found %s", threads());
    System.setProperty(THREADS_PROPERTY, String.valueOf(threads()));
    System.setProperty(INTEROP_PROPERTY, "1");
  }

  /** The command that ran, as the page shows it. */
  String command() {
    return String.format(MAVEN_COMMAND, String.join(" ", arguments));
  }

  /** The stored result of {@code row}, if there is one. */
  Optional<BenchmarkResult> stored(String row) {
    Path file = results.resolve(row + ".json");
    return Files.exists(file) ? Optional.of(BenchmarkResult.read(file)) : Optional.empty();
  }

  /** Stores a row measured now on this machine by this command, and writes the page again. */
  void store(String row, String kind, Map<String, String> settings, Map<String, Double> figures) {
    store(
        new BenchmarkResult(
            row,
            kind,
            command(),
            Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
            Machine.describe(),
            settings,
            figures));
  }

  private void store(BenchmarkResult result) {
    result
        .write(results)
        .ifPresentOrElse(
            file -> LOG.info("stored {}", file),
            () ->
                LOG.warn(
                    "row {} not stored: the stored one measured more seeds than this run's {}"
                        + " (so far); remove its file to replace it",
                    result.row(),
                    result.seeds()));
    writePage();
  }

  void writePage() {
    List<BenchmarkResult> all = BenchmarkResult.readAll(results);
    try {
      Path pageDirectory = page.toAbsolutePath().getParent();
      Files.createDirectories(pageDirectory);
      Files.writeString(
          page,
          BenchmarkPage.render(all, pageDirectory.relativize(results.toAbsolutePath())),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + page, e);
    }
    LOG.info("wrote {} from {} results", page, all.size());
  }

  /** Writes the page from the stored results without running anything. */
  @Command(
      name = "page",
      mixinStandardHelpOptions = true,
      description = "Writes the page again from the stored results.")
  static final class Page implements Runnable {
    @CommandLine.ParentCommand Benchmarks parent;

    @Override
    public void run() {
      parent.writePage();
    }
  }
}
