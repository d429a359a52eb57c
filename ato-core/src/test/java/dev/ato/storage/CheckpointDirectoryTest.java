package dev.ato.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointDirectoryTest {

  private static final List<String> FILES = List.of("weights.bin", "state.json");

  @TempDir Path root;

  private CheckpointDirectory directory(Checkpoints.Builder settings) {
    return CheckpointDirectory.open(settings.build(), "state.json");
  }

  /** A checkpoint whose two files hold {@code text}. */
  private static CheckpointDirectory.Contents holding(String text) {
    return staging -> {
      Files.writeString(staging.resolve("weights.bin"), text);
      Files.writeString(staging.resolve("state.json"), text);
    };
  }

  private String[] names() throws IOException {
    try (Stream<Path> entries = Files.list(root)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
    }
  }

  @Test
  void aCheckpointAfterAnEpochIsNamedByTheEpoch() {
    Path written = directory(Checkpoints.in(root)).write(3, 120, false, FILES, holding("x"));

    assertThat(written).isEqualTo(root.resolve("epoch-0003"));
    assertThat(written.resolve(Checksums.FILE_NAME)).exists();
  }

  @Test
  void aCheckpointWithinAnEpochIsNamedByTheEpochsDoneAndTheStep() {
    Path written = directory(Checkpoints.in(root)).write(1, 123, true, FILES, holding("x"));

    assertThat(written.getFileName().toString()).isEqualTo("epoch-0001+step-00000123");
  }

  @Test
  void theLatestFollowsEpochsThenSteps() {
    CheckpointDirectory checkpoints = directory(Checkpoints.in(root).optRetain(5));
    checkpoints.write(1, 40, false, FILES, holding("a"));
    checkpoints.write(1, 50, true, FILES, holding("b"));

    assertThat(checkpoints.latest()).hasValue(root.resolve("epoch-0001+step-00000050"));

    checkpoints.write(2, 80, false, FILES, holding("c"));

    assertThat(checkpoints.latest()).hasValue(root.resolve("epoch-0002"));
  }

  @Test
  void onlyTheRetainedNewestAreKept() throws IOException {
    CheckpointDirectory checkpoints = directory(Checkpoints.in(root).optRetain(2));
    for (int epoch = 1; epoch <= 4; epoch++) {
      checkpoints.write(epoch, epoch * 10L, false, FILES, holding("e" + epoch));
    }

    assertThat(names()).containsExactly("epoch-0003", "epoch-0004");
  }

  @Test
  void aNewestCheckpointWithoutItsStateFileIsAnError() throws IOException {
    CheckpointDirectory checkpoints = directory(Checkpoints.in(root));
    Files.delete(checkpoints.write(1, 10, false, FILES, holding("x")).resolve("state.json"));

    assertThatThrownBy(checkpoints::latest)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("epoch-0001")
        .hasMessageContaining("state.json is missing");
  }

  @Test
  void aDamagedFileFailsItsChecksum() throws IOException {
    Path written = directory(Checkpoints.in(root)).write(1, 10, false, FILES, holding("x"));
    Files.writeString(written.resolve("weights.bin"), "y");

    assertThatThrownBy(() -> CheckpointDirectory.verify(written, FILES))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot be read")
        .hasMessageContaining("weights.bin");
  }

  @Test
  void aFileTheManifestDoesNotListIsAnError() {
    Path written = directory(Checkpoints.in(root)).write(1, 10, false, FILES, holding("x"));

    assertThatThrownBy(
            () ->
                CheckpointDirectory.verify(
                    written, List.of("weights.bin", "state.json", "optimizer.bin")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("optimizer.bin");
  }

  @Test
  void aCheckpointIsDueEverySoManyEpochsAndAfterTheLast() {
    CheckpointDirectory checkpoints = directory(Checkpoints.in(root).optEveryEpochs(2));

    assertThat(List.of(1, 2, 3, 4, 5).stream().filter(e -> checkpoints.due(e, 5)))
        .containsExactly(2, 4, 5);
  }

  @Test
  void withinAnEpochACheckpointIsDueEverySoManyStepsButNotAtItsEnd() {
    CheckpointDirectory checkpoints = directory(Checkpoints.in(root).optEverySteps(10));

    assertThat(Stream.of(10L, 20L, 25L, 30L, 50L).filter(s -> checkpoints.dueWithinEpoch(s, 25)))
        .containsExactly(10L, 20L, 30L);
  }

  @Test
  void aDirectoryThatCannotBeMadeIsRefusedNamingIt() throws IOException {
    Path file = Files.writeString(root.resolve("taken"), "a file");

    assertThatThrownBy(() -> directory(Checkpoints.in(file)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot write checkpoints to " + file);
  }

  @Test
  void clearingDeletesTheCheckpointsAndTheEmptiedDirectory() throws IOException {
    Checkpoints settings = Checkpoints.in(root.resolve("run")).build();
    CheckpointDirectory.open(settings, "state.json").write(1, 10, false, FILES, holding("x"));

    settings.clear();

    assertThat(root.resolve("run")).doesNotExist();
  }

  @Test
  void clearingKeepsFilesThatAreNotCheckpoints() throws IOException {
    Checkpoints settings = Checkpoints.in(root).build();
    CheckpointDirectory.open(settings, "state.json").write(1, 10, false, FILES, holding("x"));
    Files.writeString(root.resolve("notes.txt"), "mine");

    settings.clear();

    assertThat(names()).containsExactly("notes.txt");
  }
}
