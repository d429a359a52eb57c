package dev.ato.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.ato.djl.cost.FlopsCounter;
import dev.ato.djl.graph.ModelGraph;
import dev.ato.djl.graph.ModelReader;
import dev.ato.djl.subnet.CompressedModel;
import dev.ato.djl.testing.CifarNetworks;
import dev.ato.groups.GroupMask;
import dev.ato.groups.GroupOptions;
import dev.ato.groups.GroupSet;
import dev.ato.groups.ZeroInvariantGroups;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One-shot magnitude pruning of an initialised ResNet-8 at half its FLOPs. */
class MagnitudePruningTest {

  private static final Shape INPUT = new Shape(1, 1, 28, 28);
  private NDManager manager;
  private Block block;

  @BeforeEach
  void initialise() {
    manager = NDManager.newBaseManager();
    block = CifarNetworks.resNet(8, 10);
    block.initialize(manager, DataType.FLOAT32, INPUT);
  }

  @AfterEach
  void free() {
    manager.close();
  }

  @Test
  void theCompressedNetworkHasHalfTheFlopsWithinAPoint() {
    long before = FlopsCounter.count(block, INPUT).flops();
    try (CompressedModel pruned = MagnitudePruning.prune(block, INPUT, 0.5)) {
      assertThat(1 - (double) pruned.cost().flops() / before).isBetween(0.49, 0.51);
    }
  }

  @Test
  void theGroupsCutAreSmallerInMagnitudeThanTheGroupsKept() {
    ModelGraph graph = ModelReader.read(block, INPUT, "magnitude-pruned");
    GroupSet groups = ZeroInvariantGroups.find(graph.graph(), GroupOptions.defaults());
    double[] magnitudes = GroupMagnitudes.rootMeanSquares(graph, groups, manager);
    try (CompressedModel pruned = MagnitudePruning.prune(block, INPUT, 0.5)) {
      GroupMask mask = pruned.mask().orElseThrow();
      int smallest = 0;
      double cut = 0;
      double kept = 0;
      for (int g = 0; g < mask.size(); g++) {
        smallest = magnitudes[g] < magnitudes[smallest] ? g : smallest;
        if (mask.isKept(g)) {
          kept += magnitudes[g] / (mask.size() - mask.prunedCount());
        } else {
          cut += magnitudes[g] / mask.prunedCount();
        }
      }
      assertThat(mask.isKept(smallest)).isFalse();
      assertThat(cut).isLessThan(kept);
    }
  }

  @Test
  void theTrainedBlockIsLeftAsItWas() {
    float[] before = block.getParameters().valueAt(0).getArray().toFloatArray();
    try (CompressedModel ignored = MagnitudePruning.prune(block, INPUT, 0.5)) {
      assertThat(block.getParameters().valueAt(0).getArray().toFloatArray()).isEqualTo(before);
    }
  }

  @Test
  void anUninitialisedBlockIsRefusedWithTheFix() {
    assertThatThrownBy(() -> MagnitudePruning.prune(CifarNetworks.resNet(8, 10), INPUT, 0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not initialised")
        .hasMessageContaining("train it first");
  }
}
