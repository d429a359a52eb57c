package dev.ato.djl;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.ato.config.AtoConfig;
import dev.ato.cost.FlopsTarget;
import dev.ato.groups.GroupMask;
import org.junit.jupiter.api.Test;

class AtoResultTest {

  /** Half of 1,000 MACs and 80 of 200 parameters removed, 2 of 4 groups pruned. */
  private static AtoResult result(double maskedMetric, double compressedMetric) {
    return new AtoResult(
        AtoConfig.builder().setFlopsReduction(0.5).setEpochs(1).build(),
        null,
        GroupMask.of(true, false, true, false),
        new FlopsTarget(0.5, 0.5, 1000, 1000),
        ImmutableMap.of(),
        1000,
        500,
        200,
        120,
        new BudgetOutcome(
            BudgetOutcome.Kind.REACHED_BY_CONTROLLER,
            0.5,
            0.01,
            10,
            0.5,
            0.5,
            0,
            0,
            new ChannelRounding(8, true, "the CPU has no AVX-512")),
        0,
        "Accuracy",
        maskedMetric,
        compressedMetric,
        ImmutableList.of(),
        ImmutableList.of());
  }

  @Test
  void theSummaryStatesCostAndTheValidationMetricOfBothNetworks() {
    assertThat(result(0.8125, 0.8125).summary())
        .isEqualTo(
            "FLOPs 1,000 -> 500 (-50.0%, target "
                + "-50.0%, met); parameters 200 -> 120 (-40.0%); groups pruned 2 of 4, channels in multiples "
                + "of 8; Accuracy masked "
                + "0.8125, compressed 0.8125");
  }

  @Test
  void withoutValidationDataTheSummarySaysTheMetricWasNotMeasuredRatherThanNaN() {
    assertThat(result(Double.NaN, Double.NaN).summary())
        .endsWith(
            "groups pruned 2 of 4, "
                + "channels in multiples of 8; Accuracy not measured (no validation data)")
        .doesNotContain("NaN");
  }
}
