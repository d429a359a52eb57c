package dev.ato.djl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ato.groups.GroupMask;
import dev.ato.storage.Checkpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run loop's checkpoint hooks on a ResNet-8 with the README's options, nothing trained. */
class RunCheckpointingTest {

  @TempDir Path directory;

  private OpenRun run;
  private AutoTrainOnce ato;
  private TrainedNetwork network;
  private ControllerStep controller;

  private RunCheckpointing open(Checkpoints.Builder checkpoints) throws IOException {
    run =
        OpenRun.of(
            builder -> checkpoints == null ? builder : builder.optCheckpoints(checkpoints.build()));
    ato = run.ato;
    network = run.network;
    controller = run.controller;
    return RunCheckpointing.of(ato.context());
  }

  @AfterEach
  void close() throws IOException {
    if (run != null) {
      run.close();
    }
  }

  private List<String> written() throws IOException {
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** A state one epoch in: its metrics, and a mask pruning the first group of each block. */
  private RunState oneEpochIn() {
    boolean[] keep = new boolean[ato.groups().size()];
    Arrays.fill(keep, true);
    ato.groups().blocks().forEach(block -> keep[block.firstGroup()] = false);
    RunState state = new RunState(GroupMask.of(keep));
    state.addEpoch(new EpochMetrics(1, 12, 1.9, 0.4, Double.NaN, 2, 0.9, 0.1, 3.0));
    return state;
  }

  @Test
  void withoutCheckpointsARunStartsAfreshAndADivergenceSaysSo() throws IOException {
    RunCheckpointing hooks = open(null);

    assertThat(hooks.resume(network, controller, new RunState(GroupMask.allKept(1)))).isZero();
    assertThat(hooks.diverged(new RunDiverged("loss NaN at step 4"), 1))
        .hasMessageContaining("loss NaN at step 4 (epoch 1)")
        .hasMessageContaining("no checkpoints were asked for");
  }

  @Test
  void anEpochsCheckpointHoldsTheStateFileAndTheFourArrayFiles() throws IOException {
    RunCheckpointing hooks = open(Checkpoints.in(directory));

    hooks.afterEpoch(1, 12, network, controller, oneEpochIn());

    assertThat(written()).containsExactly("epoch-0001");
    try (Stream<Path> files = Files.list(directory.resolve("epoch-0001"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder(
              "state.json",
              "model.arrays",
              "model-optimizer.arrays",
              "controller.arrays",
              "controller-optimizer.arrays",
              "checksums.sha256");
    }
  }

  @Test
  void aResumedRunTakesBackTheMaskTheHistoryAndTheNextStep() throws IOException {
    RunCheckpointing hooks = open(Checkpoints.in(directory));
    RunState saved = oneEpochIn();
    hooks.afterEpoch(1, 12, network, controller, saved);
    RunState resumed = new RunState(GroupMask.allKept(ato.groups().size()));

    long next = hooks.resume(network, controller, resumed);

    assertThat(next).isEqualTo(12);
    assertThat(resumed.mask()).isEqualTo(saved.mask());
    assertThat(resumed.epochs()).isEqualTo(saved.epochs());
    assertThat(resumed.isFrozen()).isFalse();
  }

  @Test
  void withinAnEpochACheckpointIsWrittenOnlyWhereOneIsDue() throws IOException {
    RunCheckpointing hooks = open(Checkpoints.in(directory).optEverySteps(5));
    RunState state = oneEpochIn();

    hooks.afterStep(4, 1, network, controller, state);
    assertThat(written()).isEmpty();

    hooks.afterStep(5, 1, network, controller, state);
    assertThat(written()).containsExactly("epoch-0000+step-00000005");
  }

  @Test
  void aDivergenceNamesTheCheckpointThatIsKept() throws IOException {
    RunCheckpointing hooks = open(Checkpoints.in(directory));
    hooks.afterEpoch(1, 12, network, controller, oneEpochIn());

    assertThat(hooks.diverged(new RunDiverged("loss NaN at step 14"), 2))
        .hasMessageContaining("the last checkpoint, " + directory.resolve("epoch-0001"));
  }
}
