package dev.ato.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The committed docs/benchmarks.md is what {@code ato-bench page} writes from the committed rows:
 * nobody edits a figure by hand, and no row is left out of the page or stored without it.
 */
class CommittedPageTest {

  /** The repository's docs directory, seen from the module the tests run in. */
  private static final Path DOCS = Path.of("..", "docs");

  @Test
  void theCommittedPageIsWhatTheStoredRowsGive() throws IOException {
    Path results = DOCS.resolve("benchmarks").resolve("results");

    String written =
        BenchmarkPage.render(
            BenchmarkResult.readAll(results),
            DOCS.toAbsolutePath().relativize(results.toAbsolutePath()));

    assertThat(Files.readString(DOCS.resolve("benchmarks.md"), StandardCharsets.UTF_8))
        .as("docs/benchmarks.md against `ato-bench page` (run it and commit the page)")
        .isEqualTo(written);
  }
}
