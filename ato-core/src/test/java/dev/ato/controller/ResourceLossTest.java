package dev.ato.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ResourceLossTest {

  private final ResourceLoss loss = ResourceLoss.forTarget(0.5);

  @Test
  void aboveTheTargetItIsTheLogOfTheRatio() {
    assertThat(loss.value(0.6)).isCloseTo(Math.log(0.6 / 0.5), within(1e-12));
  }

  @Test
  void justAboveTheTargetTheMarginHoldsItUp() {
    // r = 0.502 < p + 0.005: log(0.505 / 0.5).
    assertThat(loss.value(0.502)).isCloseTo(Math.log(0.505 / 0.5), within(1e-12));
  }

  @Test
  void atTheTargetTheLowerBranchApplies() {
    // r = p is not above p: log(p / min(p, p - 0.005)) = log(0.5 / 0.495).
    assertThat(loss.value(0.5)).isCloseTo(Math.log(0.5 / 0.495), within(1e-12));
  }

  @Test
  void belowTheTargetItIsTheLogOfTheInverseRatio() {
    assertThat(loss.value(0.3)).isCloseTo(Math.log(0.5 / 0.3), within(1e-12));
    assertThat(loss.value(0.498)).isCloseTo(Math.log(0.5 / 0.495), within(1e-12));
  }

  @Test
  void theTargetMustLeaveRoomForTheMargin() {
    assertThatThrownBy(() -> ResourceLoss.forTarget(0.004))
        .hasMessage(
            "the target ratio p of the prunable part's FLOPs must lie in (0.005, 1], "
                + "found 0.004; ask for a smaller FLOPs reduction");
    assertThatThrownBy(() -> ResourceLoss.forTarget(1.2)).hasMessageContaining("found 1.2");
  }

  @Test
  void theKeptRatioMustBePositive() {
    assertThatThrownBy(() -> loss.value(0))
        .hasMessage("the kept-FLOPs ratio must be positive, found 0.0");
  }
}
