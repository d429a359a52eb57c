package dev.ato.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchmarkResultTest {
  @TempDir Path directory;

  @Test
  void aStoredResultReadsBackEqual() {
    BenchmarkResult result = SpeedResults.with(Map.of());
    result.write(directory);
    assertThat(BenchmarkResult.readAll(directory)).containsExactly(result);
  }

  @Test
  void aSecondRunOfARowReplacesTheFirst() {
    SpeedResults.with(Map.of("batch", 64.0)).write(directory);
    SpeedResults.with(Map.of("batch", 32.0)).write(directory);
    assertThat(BenchmarkResult.readAll(directory))
        .singleElement()
        .satisfies(r -> assertThat(r.figure("batch")).isEqualTo(32.0));
  }

  @Test
  void aRunOfFewerSeedsKeepsTheStoredRowOfMore() {
    SpeedResults.with(Map.of(BenchmarkResult.SEEDS, 3.0, "accuracy", 0.93)).write(directory);

    assertThat(
            SpeedResults.with(Map.of(BenchmarkResult.SEEDS, 1.0, "accuracy", 0.95))
                .write(directory))
        .isEmpty();
    assertThat(BenchmarkResult.readAll(directory))
        .singleElement()
        .satisfies(r -> assertThat(r.figure("accuracy")).isEqualTo(0.93));
  }

  @Test
  void aRunOfAsManySeedsReplacesTheStoredRow() {
    SpeedResults.with(Map.of(BenchmarkResult.SEEDS, 3.0, "accuracy", 0.93)).write(directory);

    assertThat(
            SpeedResults.with(Map.of(BenchmarkResult.SEEDS, 3.0, "accuracy", 0.95))
                .write(directory))
        .isPresent();
    assertThat(BenchmarkResult.readAll(directory))
        .singleElement()
        .satisfies(r -> assertThat(r.figure("accuracy")).isEqualTo(0.95));
  }

  @Test
  void aMissingDirectoryHoldsNoResults() {
    assertThat(BenchmarkResult.readAll(directory.resolve("none"))).isEmpty();
  }

  @Test
  void aDamagedFileIsNamed() throws IOException {
    Path file = directory.resolve("speed-x.json");
    Files.writeString(file, "{\"row\": \"speed-x\", \"figures\": {");
    assertThatThrownBy(() -> BenchmarkResult.readAll(directory))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("run its row again");
  }

  @Test
  void anUnknownFigureNamesTheRow() {
    assertThatThrownBy(() -> SpeedResults.with(Map.of()).figure("nothing"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'speed-test' has no figure 'nothing'");
  }
}
