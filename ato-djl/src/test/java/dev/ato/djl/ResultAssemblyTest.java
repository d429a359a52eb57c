package dev.ato.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ato.djl.testing.DefaultRuns;
import dev.ato.djl.testing.FashionMnistSlices;
import dev.ato.groups.ControllerBlock;
import dev.ato.groups.GroupMask;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The end of a run, on an untrained ResNet-8 with the README's options and a fixed mask. */
class ResultAssemblyTest {

  private static final BudgetOutcome OUTCOME =
      new BudgetOutcome(
          BudgetOutcome.Kind.REACHED_BY_CONTROLLER,
          0.5,
          0.01,
          18,
          0.5,
          0.5,
          0,
          0,
          ChannelRounding.requested(1));

  /** Prunes the first group of every controller block. */
  private static GroupMask firstOfEachBlockPruned(AutoTrainOnce ato) {
    boolean[] keep = new boolean[ato.groups().size()];
    Arrays.fill(keep, true);
    for (ControllerBlock block : ato.groups().blocks()) {
      keep[block.firstGroup()] = false;
    }
    return GroupMask.of(keep);
  }

  @Test
  void theResultCountsTheCompressedNetworkAndCarriesTheConfiguration() throws IOException {
    try (FashionMnistSlices.Slice train = FashionMnistSlices.train(240, 20);
        AutoTrainOnce ato = DefaultRuns.halvingResNet(8, train).build()) {
      GroupMask mask = firstOfEachBlockPruned(ato);

      try (AtoResult result =
          ResultAssembly.assemble(ato.context(), mask, OUTCOME, 0, List.of(), List.of())) {
        assertThat(result.config()).isEqualTo(ato.config());
        assertThat(result.flopsBefore()).isEqualTo(ato.cost().flops());
        assertThat(result.flopsAfter()).isEqualTo((long) ato.cost().flops(mask));
        assertThat(result.mask().prunedCount()).isEqualTo(ato.groups().blocks().size());
        // Without validation data neither network is scored.
        assertThat(result.maskedMetric()).isNaN();
      }
    }
  }

  @Test
  void theCompressedNetworkScoresAsTheMaskedOne() throws IOException {
    try (FashionMnistSlices.Slice train = FashionMnistSlices.train(240, 20);
        FashionMnistSlices.Slice test = FashionMnistSlices.test(100);
        AutoTrainOnce ato = DefaultRuns.halvingResNet(8, train).optValidationData(test).build()) {
      GroupMask mask = firstOfEachBlockPruned(ato);

      try (AtoResult result =
          ResultAssembly.assemble(ato.context(), mask, OUTCOME, 0, List.of(), List.of())) {
        assertThat(result.compressedMetric()).isCloseTo(result.maskedMetric(), within(1e-6));
        assertThat(result.channels().values()).anyMatch(layer -> layer.after() < layer.before());
      }
    }
  }
}
