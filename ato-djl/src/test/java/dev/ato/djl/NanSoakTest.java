package dev.ato.djl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ato.djl.testing.GcPressureRuns;
import java.io.IOException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The soak for the controller's non-finite gradients: 50 short runs with the builder's defaults
 * under garbage-collection pressure skip no controller update. A few minutes, so behind {@code
 * -Psoak}; docs/reliability.md has the command and its last result.
 */
@Tag("soak")
class NanSoakTest {

  private static final int RUNS = Integer.getInteger("ato.soak.runs", 50);

  @Test
  void fiftyShortRunsSkipNoControllerUpdate() throws IOException {
    long started = System.nanoTime();
    GcPressureRuns.Outcome outcome = GcPressureRuns.run(RUNS);
    System.out.printf(
        "NaN soak: %d runs, %d controller updates, %d skipped %s, %.0f s%n",
        RUNS,
        outcome.updates(),
        outcome.skipped().size(),
        outcome.skipped(),
        (System.nanoTime() - started) / 1e9);
    assertThat(outcome.skipped()).isEmpty();
  }
}
