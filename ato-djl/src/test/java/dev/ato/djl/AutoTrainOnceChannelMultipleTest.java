package dev.ato.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ato.djl.testing.DefaultRuns;
import dev.ato.djl.testing.FashionMnistSlices;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code optChannelMultiple(8)} with the builder's defaults otherwise, on a ResNet-20 of stages
 * 16, 32 and 64 wide, with the data and length of AutoTrainOnceScheduleTest's run; its kept
 * channels rounded to whole blocks of 8 when the mask freezes.
 */
class AutoTrainOnceChannelMultipleTest {

  private static FashionMnistSlices.Slice train;
  private static AtoResult result;

  @BeforeAll
  static void runRoundedToEight() throws IOException {
    train = FashionMnistSlices.train(240, 20);
    try (AutoTrainOnce ato = builder().optChannelMultiple(8).build()) {
      result = ato.fit();
    }
  }

  @AfterAll
  static void freeData() {
    result.close();
    train.close();
  }

  private static AutoTrainOnce.Builder builder() {
    return DefaultRuns.halvingResNet(20, train);
  }

  @Test
  void everyLayerKeepsAMultipleOfEightChannelsOrAllOfThem() {
    assertThat(result.channels()).allSatisfy((layer, channels) ->
        assertThat(channels.after() % 8 == 0 || channels.after() == channels.before())
            .as("%s keeps %s of %s", layer, channels.after(), channels.before()).isTrue());
    assertThat(result.mask().prunedCount()).isPositive();
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
        .hasMessage("the channel multiple must be at least 1 (1 for no rounding, 8 or 16 for "
            + "oneDNN's blocks), found 0");
  }
}
