package dev.ato.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StagedDirectoryTest {

  @TempDir Path root;

  private static String[] names(Path directory) throws IOException {
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
    }
  }

  @Test
  void nothingAppearsAtTheTargetBeforeTheCommit() throws IOException {
    try (StagedDirectory staged = StagedDirectory.beside(root.resolve("out"))) {
      Files.writeString(staged.staging().resolve("a.txt"), "a");

      assertThat(root.resolve("out")).doesNotExist();
      assertThat(staged.staging().getFileName().toString())
          .isEqualTo(".out.partial-" + ProcessHandle.current().pid());
    }
  }

  @Test
  void theCommitMovesTheFilesToTheTargetWhole() throws IOException {
    try (StagedDirectory staged = StagedDirectory.beside(root.resolve("out"))) {
      Files.writeString(staged.staging().resolve("a.txt"), "a");
      staged.commit();
    }

    assertThat(names(root)).containsExactly("out");
    assertThat(root.resolve("out/a.txt")).hasContent("a");
  }

  @Test
  void theCommitReplacesAnEarlierTargetAndLeavesNothingBeside() throws IOException {
    Files.createDirectories(root.resolve("out"));
    Files.writeString(root.resolve("out/old.txt"), "old");

    try (StagedDirectory staged = StagedDirectory.beside(root.resolve("out"))) {
      Files.writeString(staged.staging().resolve("new.txt"), "new");
      staged.commit();
    }

    assertThat(names(root)).containsExactly("out");
    assertThat(names(root.resolve("out"))).containsExactly("new.txt");
  }

  @Test
  void closingWithoutACommitRemovesTheStagingAndLeavesTheTarget() throws IOException {
    Files.createDirectories(root.resolve("out"));
    Files.writeString(root.resolve("out/kept.txt"), "kept");

    try (StagedDirectory staged = StagedDirectory.beside(root.resolve("out"))) {
      Files.writeString(staged.staging().resolve("lost.txt"), "lost");
    }

    assertThat(names(root)).containsExactly("out");
    assertThat(names(root.resolve("out"))).containsExactly("kept.txt");
  }

  @Test
  void leftoversOfKilledWritersAreDeletedForAcceptedNamesOnly() throws IOException {
    Files.createDirectories(root.resolve(".epoch-0001.partial-123/sub"));
    Files.createDirectories(root.resolve(".epoch-0002.previous-9"));
    Files.createDirectories(root.resolve(".notes.partial-5"));
    Files.createDirectories(root.resolve("epoch-0003"));

    StagedDirectory.deleteLeftovers(root, name -> name.startsWith("epoch-"));

    assertThat(names(root)).containsExactly(".notes.partial-5", "epoch-0003");
  }
}
