package dev.ato.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ato.djl.testing.DefaultRuns;
import dev.ato.djl.testing.FashionMnistSlices;
import dev.ato.groups.GroupMask;
import java.io.IOException;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The freeze of the controller's mask on an untrained ResNet-8 with the README's options, given
 * masks and scores by hand, no training.
 */
class MaskFreezeTest {

  /** Scores that rank group g by g: the correction prunes the lowest-numbered groups first. */
  private static double[] ascendingScores(int groups) {
    double[] scores = new double[groups];
    Arrays.setAll(scores, g -> g);
    return scores;
  }

  private static MaskFreeze freezeEveryGroupKept(UnaryOperator<AutoTrainOnceBuilder> options)
      throws IOException {
    try (FashionMnistSlices.Slice train = FashionMnistSlices.train(240, 20);
        AutoTrainOnce ato = options.apply(DefaultRuns.halvingResNet(8, train)).build()) {
      int groups = ato.groups().size();
      return MaskFreeze.at(
          18,
          GroupMask.allKept(groups),
          ato.budget(),
          ato.context().settings(),
          () -> ascendingScores(groups));
    }
  }

  @Test
  void aMaskOutsideTheBudgetIsCorrectedToItByDefault() throws IOException {
    MaskFreeze frozen = freezeEveryGroupKept(b -> b.optChannelMultiple(1));

    assertThat(frozen.outcome().kind()).isEqualTo(BudgetOutcome.Kind.CORRECTED);
    assertThat(frozen.outcome().met()).isTrue();
    assertThat(frozen.outcome().controllerReduction()).isZero();
    assertThat(frozen.outcome().reduction()).isCloseTo(0.5, within(0.01));
    assertThat(frozen.outcome().step()).isEqualTo(18);
    assertThat(frozen.mask().prunedCount()).isEqualTo(frozen.outcome().groupsPruned());
  }

  @Test
  void withoutCorrectionTheMaskIsFrozenAsItIsAndTheMissIsReported() throws IOException {
    MaskFreeze frozen =
        freezeEveryGroupKept(b -> b.optChannelMultiple(1).optBudgetCorrection(false));

    assertThat(frozen.outcome().kind()).isEqualTo(BudgetOutcome.Kind.MISSED);
    assertThat(frozen.mask().prunedCount()).isZero();
  }

  @Test
  void aMissFailsTheRunWhenAsked() {
    assertThatThrownBy(
            () ->
                freezeEveryGroupKept(
                    b ->
                        b.optChannelMultiple(1)
                            .optBudgetCorrection(false)
                            .optFailOnMissedTarget(true)))
        .isInstanceOf(FlopsTargetMissedException.class)
        .hasMessageContaining("FLOPs target missed: asked for -50.0%")
        .hasMessageContaining("leave optBudgetCorrection on");
  }

  @Test
  void theFrozenMaskIsRoundedToTheChannelMultipleAsked() throws IOException {
    MaskFreeze frozen = freezeEveryGroupKept(b -> b.optChannelMultiple(4));

    assertThat(frozen.outcome().rounding().multiple()).isEqualTo(4);
    assertThat(frozen.outcome().met()).isTrue();
  }
}
