package dev.ato.examples;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.NormalInitializer;
import dev.ato.djl.graph.ModelGraph;
import dev.ato.djl.graph.ModelReader;
import dev.ato.djl.subnet.CompressedModel;
import dev.ato.examples.models.CifarResNet;
import dev.ato.examples.testing.DataFiles;
import dev.ato.groups.GroupMask;
import dev.ato.groups.GroupOptions;
import dev.ato.groups.GroupSet;
import dev.ato.groups.ZeroInvariantGroups;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ato spark-score} on Debian's Fashion-MNIST test images, CIFAR-10 files and an image
 * folder, on a local Spark of two slots, with a saved ResNet-8 (every group kept: the command's
 * mechanics, not a network's accuracy).
 */
class SparkScoreCommandTest {

  @TempDir Path directory;

  @Test
  void scoresEveryTestImageAndWritesTheScoresAsParquet() {
    Path model = savedResNet8(directory.resolve("model"));
    Path scores = directory.resolve("scores");

    CommandRun run =
        CommandRun.of(
            "spark-score",
            "--model",
            model.toString(),
            "--master",
            "local[2]",
            "--partitions",
            "4",
            "--output",
            scores.toString());

    assertThat(run.code).as(run.err).isZero();
    assertThat(run.out)
        .contains("scored 10,000 rows of /usr/share/datasets/fashion-mnist (IDX) on local[2]")
        .contains("; accuracy ")
        .contains("wrote the scores to " + scores);
    assertThat(scores.resolve("_SUCCESS")).isRegularFile();
  }

  @Test
  void scoresCifarTestRecordsAsTensors() throws Exception {
    Path model = savedResNet8(directory.resolve("model"), new Shape(1, 3, 32, 32));
    Path cifar = DataFiles.cifar10(directory.resolve("cifar"), 10, 10);

    CommandRun run =
        CommandRun.of(
            "spark-score",
            "--model",
            model.toString(),
            "--data",
            cifar.toString(),
            "--master",
            "local[2]");

    assertThat(run.code).as(run.err).isZero();
    assertThat(run.out).contains("scored 10 rows of " + cifar + " (CIFAR-10) on local[2]");
  }

  @Test
  void scoresAnImageFolderDecodingItsFilesOnTheExecutors() throws Exception {
    Path model = savedResNet8(directory.resolve("model"), new Shape(1, 3, 32, 32));
    Path folder = DataFiles.imageFolder(directory.resolve("folder"), 3, 4, 32);

    CommandRun run =
        CommandRun.of(
            "spark-score",
            "--model",
            model.toString(),
            "--data",
            folder.toString(),
            "--master",
            "local[2]");

    assertThat(run.code).as(run.err).isZero();
    assertThat(run.out)
        .contains("scored 12 rows of " + folder + " (image folder) on local[2]")
        .doesNotContain("could not be scored");
  }

  private static Path savedResNet8(Path path) {
    return savedResNet8(path, new Shape(1, 1, 28, 28));
  }

  private static Path savedResNet8(Path path, Shape input) {
    try (NDManager manager = NDManager.newBaseManager()) {
      Block block = CifarResNet.builder().setDepth(8).setClasses(10).build();
      // The block takes its input channels from the shape it is initialised with.
      block.setInitializer(new NormalInitializer(0.1f), Parameter.Type.WEIGHT);
      block.initialize(manager, DataType.FLOAT32, input);
      ModelGraph graph = ModelReader.read(block, input, "resnet8");
      GroupSet groups = ZeroInvariantGroups.find(graph.graph(), GroupOptions.defaults());
      try (CompressedModel all =
              CompressedModel.compress(graph, groups, GroupMask.allKept(groups.size()));
          CompressedModel inference = all.forInference()) {
        inference.save(path);
      }
    }
    return path;
  }
}
