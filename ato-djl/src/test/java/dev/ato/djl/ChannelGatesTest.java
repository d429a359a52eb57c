package dev.ato.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.ato.djl.engine.NoGrad;
import dev.ato.djl.graph.ModelGraph;
import dev.ato.djl.graph.ModelReader;
import dev.ato.djl.groups.GroupZeroing;
import dev.ato.djl.tensor.RandomArrays;
import dev.ato.djl.testing.CifarNetworks;
import dev.ato.djl.testing.ManagedTest;
import dev.ato.djl.testing.TestModels;
import dev.ato.groups.Group;
import dev.ato.groups.GroupMask;
import dev.ato.groups.GroupOptions;
import dev.ato.groups.GroupSet;
import dev.ato.groups.ZeroInvariantGroups;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What the controller sees: gating the readers of pruned channels with a hard mask computes exactly
 * what the network computes with those groups at zero, so a soft gate is a faithful relaxation of
 * pruning.
 */
class ChannelGatesTest extends ManagedTest {

  @Test
  void aHardGateOnAResNetIsThePrunedNetwork() {
    assertHardGateIsPruning(
        CifarNetworks.resNet(8, 4),
        new Shape(2, 3, 16, 16),
        GroupOptions.builder().optPruneResidualStreams(true).build());
  }

  @Test
  void aHardGateOnAConcatCnnIsThePrunedNetwork() {
    assertHardGateIsPruning(
        TestModels.concatCnn(5), new Shape(2, 3, 16, 16), GroupOptions.defaults());
  }

  private void assertHardGateIsPruning(Block block, Shape input, GroupOptions options) {
    ModelGraph model =
        ModelReader.read(TestModels.initialise(block, manager, input), input, "gated");
    GroupSet groups = ZeroInvariantGroups.find(model.graph(), options);
    SplittableRandom random = new SplittableRandom(3);
    float[] keepWithOne = new float[groups.size() + 1];
    boolean[] keep = new boolean[groups.size()];
    for (int g = 0; g < keep.length; g++) {
      keep[g] = random.nextBoolean();
      keepWithOne[g] = keep[g] ? 1 : 0;
    }
    keepWithOne[groups.size()] = 1;
    GroupMask mask = GroupMask.of(keep);
    NDArray x = RandomArrays.gaussian(manager, input, 1, random);

    float[] gated;
    float[] zeroed;
    try (ChannelGates gates = new ChannelGates(model, groups, manager);
        NoGrad ignored = NoGrad.enter()) {
      ParameterStore store = new ParameterStore(manager, false);
      NDArray keepArray = manager.create(keepWithOne);
      gated =
          model
              .forwardGated(
                  store, new NDList(x), false, (layer, in) -> gates.gate(layer, in, keepArray))
              .singletonOrThrow()
              .toFloatArray();
      List<Group> pruned =
          groups.groups().stream().filter(g -> !mask.isKept(g.id())).collect(Collectors.toList());
      GroupZeroing.zeroInPlace(model, pruned);
      zeroed = model.forward(store, new NDList(x), false).singletonOrThrow().toFloatArray();
    }

    assertThat(mask.prunedCount()).isPositive();
    assertThat(gated).hasSameSizeAs(zeroed);
    for (int i = 0; i < gated.length; i++) {
      assertThat(gated[i]).as("output %s", i).isCloseTo(zeroed[i], within(1e-5f));
    }
  }
}
