package dev.ato.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import dev.ato.djl.engine.ChannelBlocks;
import dev.ato.djl.testing.DefaultRuns;
import dev.ato.djl.testing.FashionMnistSlices;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The builder's defaults, whose channel multiple is automatic, on a ResNet-20 of stages 16, 32 and
 * 64 wide, with the data and length of AutoTrainOnceScheduleTest's run. The engine's block is 8
 * channels, or 16 on a CPU with AVX-512; multiples of 16 cannot remove half of this network's FLOPs
 * (ChannelRoundingTest), so either way the kept channels come in whole blocks of 8.
 */
class AutoTrainOnceChannelMultipleTest {

  private static FashionMnistSlices.Slice train;
  private static AtoResult result;

  @BeforeAll
  static void runWithTheDefaults() throws IOException {
    train = FashionMnistSlices.train(240, 20);
    try (AutoTrainOnce ato = builder().build()) {
      result = ato.fit();
    }
  }

  @AfterAll
  static void freeData() {
    result.close();
    train.close();
  }

  private static AutoTrainOnceBuilder builder() {
    return DefaultRuns.halvingResNet(20, train);
  }

  @Test
  void everyLayerKeepsAMultipleOfEightChannelsOrAllOfThem() {
    assertThat(result.channels())
        .allSatisfy(
            (layer, channels) ->
                assertThat(channels.after() % 8 == 0 || channels.after() == channels.before())
                    .as("%s keeps %s of %s", layer, channels.after(), channels.before())
                    .isTrue());
    assertThat(result.mask().prunedCount()).isPositive();
  }

  @Test
  void theResultSaysWhichMultipleWasUsedAndWhy() {
    ChannelRounding rounding = result.budget().rounding();
    ChannelBlocks.Block engine = ChannelBlocks.of(Device.cpu());

    assertThat(rounding.automatic()).isTrue();
    assertThat(rounding.multiple()).isEqualTo(8);
    assertThat(rounding.reason()).startsWith(engine.why());
    if (engine.channels() == 16) {
      assertThat(rounding.reason())
          .contains("; multiples of 16 remove -")
          .endsWith("outside the budget, so multiples of 8");
    }
    assertThat(result.summary()).contains("channels in multiples of 8");
  }

  @Test
  void theBudgetIsMetInWholeSteps() {
    assertThat(result.targetMet()).as(result.budget().toString()).isTrue();
    assertThat(result.flopsReduction()).isBetween(0.49, 0.51);
  }

  @Test
  void aMultipleBelowOneIsRejectedWithTheValuesThatMakeSense() {
    assertThatThrownBy(() -> AutoTrainOnce.builder().optChannelMultiple(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "the channel multiple must be at least 1 (1 for no rounding, 8 or 16 for "
                + "oneDNN's blocks), found 0");
  }
}
