package dev.ato.djl.cost;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.ato.cost.CostModel;
import dev.ato.djl.graph.ModelGraph;
import dev.ato.djl.graph.ModelReader;
import dev.ato.djl.subnet.CompressedModel;
import dev.ato.djl.testing.CifarNetworks;
import dev.ato.groups.GroupMask;
import dev.ato.groups.GroupSet;
import dev.ato.groups.ZeroInvariantGroups;
import org.junit.jupiter.api.Test;

class FlopsCounterTest {

  @Test
  void aCifarResNet20CountsAsThePaperSays() {
    try (NDManager manager = NDManager.newBaseManager()) {
      Shape input = new Shape(1, 3, 32, 32);
      Block block = CifarNetworks.resNet(20, 10);
      block.initialize(manager, DataType.FLOAT32, input);

      CostModel cost = FlopsCounter.count(block, input);

      // ResNet-20 (He et al.: 41 M MACs, 0.27 M parameters). MACs: stem 3*9*16*32*32 = 442,368;
      // stage 1, six 16->16 convs at 32x32: 6 * 2,359,296; stages 2 and 3, one widening conv
      // (1,179,648) and five convs (5 * 2,359,296) each; fc 64*10 = 640; together 40,551,040.
      // The two 1x1 projection shortcuts add 16*32*16*16 + 32*64*8*8 = 262,144.
      // Parameters: 269,722 with identity shortcuts, plus 512 + 2048 shortcut weights and
      // 2 * (32 + 64) batch-norm values.
      assertThat(cost.flops()).isEqualTo(40_551_040 + 262_144);
      assertThat(cost.parameters()).isEqualTo(269_722 + 2560 + 192);
    }
  }

  @Test
  void aCompressedNetworkCountsWhatTheCostModelPredictsForItsMask() {
    try (NDManager manager = NDManager.newBaseManager()) {
      Shape input = new Shape(1, 3, 32, 32);
      Block block = CifarNetworks.resNet(20, 10);
      block.initialize(manager, DataType.FLOAT32, input);
      ModelGraph model = ModelReader.read(block, input, "resnet20");
      GroupSet groups = ZeroInvariantGroups.find(model.graph());
      boolean[] keep = new boolean[groups.size()];
      for (int g = 0; g < keep.length; g++) {
        keep[g] = g % 3 != 0;
      }
      GroupMask mask = GroupMask.of(keep);

      try (CompressedModel compressed = CompressedModel.compress(model, groups, mask)) {
        CostModel counted = FlopsCounter.count(compressed.block(), input);

        assertThat((double) counted.flops())
            .isEqualTo(CostModel.of(model.graph(), groups).flops(mask));
        assertThat((double) counted.parameters())
            .isEqualTo(CostModel.of(model.graph(), groups).parameters(mask));
      }
    }
  }
}
