package dev.ato.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ato.examples.testing.DataFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input to {@code ato}: one line on stderr that says what is wrong and how to fix it, exit code
 * 2, and nothing written to the output directory. Every case uses real files.
 */
class BadInputTest {

  @TempDir Path temp;

  private Path output() {
    return temp.resolve("out");
  }

  /** Runs {@code ato resnet args... --output out} and checks the failure's form. */
  private CommandRun failing(String... args) throws IOException {
    String[] all =
        Stream.concat(
                Arrays.stream(args), Stream.of("--no-progress", "--output", output().toString()))
            .toArray(String[]::new);
    CommandRun run = CommandRun.of(all);
    assertThat(run.code).as("exit code; out: %s", run.out).isEqualTo(2);
    assertThat(run.err.lines()).as("stderr: %s", run.err).hasSize(1);
    assertThat(run.err).startsWith("error: ").doesNotContain("\tat ");
    assertThat(output()).doesNotExist();
    try (Stream<Path> left = Files.list(temp)) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("partial"));
    }
    return run;
  }

  @Test
  void aMissingDataDirectory() throws IOException {
    CommandRun run = failing("resnet", "--data", temp.resolve("nowhere").toString());

    assertThat(run.err).contains("nowhere does not exist");
  }

  @Test
  void aTruncatedIdxFile() throws IOException {
    Path data = temp.resolve("idx");
    DataFiles.idx(data, "train", 50, 10);
    DataFiles.idx(data, "t10k", 20, 10);
    Path images = data.resolve("train-images-idx3-ubyte.gz");
    byte[] whole = Files.readAllBytes(images);
    Files.write(images, Arrays.copyOf(whole, whole.length / 2));

    CommandRun run = failing("resnet", "--data", data.toString());

    assertThat(run.err).contains("train-images-idx3-ubyte.gz");
  }

  @Test
  void aCorruptIdxFile() throws IOException {
    Path data = temp.resolve("idx");
    DataFiles.idx(data, "train", 50, 10);
    DataFiles.idx(data, "t10k", 20, 10);
    Files.write(data.resolve("t10k-labels-idx1-ubyte.gz"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});

    CommandRun run = failing("resnet", "--data", data.toString());

    assertThat(run.err).contains("t10k-labels-idx1-ubyte.gz");
  }

  @Test
  void aTruncatedCifarFile() throws IOException {
    Path data = DataFiles.cifar10(temp.resolve("cifar"), 10, 10);
    Path batch = data.resolve("data_batch_3.bin");
    byte[] whole = Files.readAllBytes(batch);
    Files.write(batch, Arrays.copyOf(whole, whole.length - 100));

    CommandRun run = failing("resnet", "--data", data.toString());

    assertThat(run.err).contains("data_batch_3.bin");
  }

  @Test
  void aCorruptCifarFile() throws IOException {
    Path data = DataFiles.cifar10(temp.resolve("cifar"), 10, 10);
    byte[] records = Files.readAllBytes(data.resolve("test_batch.bin"));
    records[0] = 42;
    Files.write(data.resolve("test_batch.bin"), records);

    CommandRun run = failing("resnet", "--data", data.toString());

    assertThat(run.err).contains("test_batch.bin", "42");
  }

  @Test
  void anImageFolderWithNoClasses() throws IOException {
    Path data = Files.createDirectories(temp.resolve("images").resolve("train"));
    Files.createDirectories(temp.resolve("images").resolve("val"));

    CommandRun run =
        failing("resnet", "--data", temp.resolve("images").toString(), "--format", "folder");

    assertThat(run.err).contains(data.getParent().toString());
  }

  @Test
  void aReductionOutsideZeroToOne() throws IOException {
    Path data = DataFiles.cifar10(temp.resolve("cifar"), 10, 10);

    CommandRun run = failing("resnet", "--reduction", "1.5", "--data", data.toString());

    assertThat(run.err).startsWith("error: a FLOPs reduction must lie in (0, 1)");
  }

  @Test
  void aChannelMultipleThatIsNeitherAutoNorAPositiveNumber() throws IOException {
    for (String multiple : new String[] {"0", "sixteen"}) {
      CommandRun run = failing("resnet", "--channel-multiple", multiple);

      assertThat(run.err)
          .contains(
              "--channel-multiple takes auto or a whole number of at least "
                  + "1 (1: no rounding; 8 or 16 are engines' channel blocks), found '"
                  + multiple
                  + "'");
    }
  }

  @Test
  void anUnknownModelName() throws IOException {
    CommandRun run = failing("vgg16");

    assertThat(run.err).contains("vgg16");
  }

  @Test
  void anUnwritableOutputDirectory() throws IOException {
    Path file = Files.writeString(temp.resolve("a-file"), "not a directory");
    CommandRun run =
        CommandRun.of("resnet", "--no-progress", "--output", file.resolve("out").toString());

    assertThat(run.code).isEqualTo(2);
    assertThat(run.err.lines()).hasSize(1);
    assertThat(run.err).startsWith("error: cannot write to output directory");
  }
}
