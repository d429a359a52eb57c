package dev.ato.djl.groups;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ato.djl.graph.ModelGraph;
import dev.ato.djl.graph.ModelReader;
import dev.ato.djl.testing.TestModels;
import dev.ato.groups.GroupOptions;
import dev.ato.groups.GroupSet;
import dev.ato.groups.ZeroInvariantGroups;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every group the reader and the core find is zero-invariant on the real model. */
class ZeroInvarianceCheckTest {

  private static final GroupOptions STREAMS =
      GroupOptions.builder().optPruneResidualStreams(true).build();

  @Test
  void theFirstAndLastGroupOfEveryBlockOfZooResNet50AreZeroInvariant() {
    assertZeroInvariant(TestModels.zooResNet50(10), new Shape(1, 3, 64, 64));
  }

  @Test
  void theFirstAndLastGroupOfEveryBlockOfZooMobileNetV2AreZeroInvariant() {
    assertZeroInvariant(TestModels.zooMobileNetV2(10), new Shape(1, 3, 32, 32));
  }

  @Test
  void everyGroupOfTheConcatCnnIsZeroInvariant() {
    try (NDManager manager = NDManager.newBaseManager()) {
      Shape input = new Shape(1, 3, 16, 16);
      ModelGraph model =
          ModelReader.read(
              TestModels.initialise(TestModels.concatCnn(5), manager, input), input, "concat-cnn");
      GroupSet groups = ZeroInvariantGroups.find(model.graph());
      List<Integer> all = groups.groups().stream().map(g -> g.id()).collect(Collectors.toList());

      assertThat(ZeroInvarianceCheck.check(model, groups, all, 2, 5)).isEmpty();
    }
  }

  @Test
  void theModelIsLeftAsItWas() {
    try (NDManager manager = NDManager.newBaseManager()) {
      Shape input = new Shape(1, 3, 16, 16);
      ModelGraph model =
          ModelReader.read(
              TestModels.initialise(TestModels.concatCnn(5), manager, input), input, "concat-cnn");
      GroupSet groups = ZeroInvariantGroups.find(model.graph());
      float[] before =
          model
              .parameter(groups.group(0).producers().iterator().next(), "weight")
              .getArray()
              .toFloatArray();

      ZeroInvarianceCheck.check(model, groups, List.of(0, 1), 2, 5);

      assertThat(
              model
                  .parameter(groups.group(0).producers().iterator().next(), "weight")
                  .getArray()
                  .toFloatArray())
          .containsExactly(before);
    }
  }

  private static void assertZeroInvariant(ai.djl.nn.Block block, Shape input) {
    try (NDManager manager = NDManager.newBaseManager()) {
      ModelGraph model =
          ModelReader.read(TestModels.initialise(block, manager, input), input, "model");
      GroupSet groups = ZeroInvariantGroups.find(model.graph(), STREAMS);
      List<Integer> sample =
          groups.blocks().stream()
              .flatMap(b -> java.util.stream.Stream.of(b.firstGroup(), b.endGroup() - 1))
              .distinct()
              .collect(Collectors.toList());

      assertThat(ZeroInvarianceCheck.check(model, groups, sample, 2, 5)).isEmpty();
      assertThat(sample).hasSizeGreaterThan(groups.blocks().size());
    }
  }
}
