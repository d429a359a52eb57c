package dev.ato.djl.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.ato.controller.ResourceLoss;
import org.junit.jupiter.api.Test;

/** The NDArray penalty is the core's {@link ResourceLoss}, with the gradient of its branch. */
class ResourcePenaltyTest extends EngineTest {

  private static final ResourceLoss LOSS = ResourceLoss.forTarget(0.5);

  @Test
  void thePenaltyEqualsTheCoreAboveBelowAndAtTheTarget() {
    // Far below, inside the lower margin, at p, inside the upper margin, above, all kept.
    for (double r : new double[] {0.2, 0.498, 0.5, 0.503, 0.6, 1.0}) {
      NDArray value = ResourcePenalty.of(LOSS).value(manager.create((float) r));
      assertThat((double) value.getFloat())
          .as("R(%s)", r)
          .isCloseTo(LOSS.value((float) r), within(1e-6));
    }
  }

  @Test
  void theGradientIsOneOverRAwayFromTheTargetAndZeroWithinTheMargins() {
    // R = log r - log p above p + 0.005, log p - log r below p - 0.005, constant between.
    assertThat(gradient(0.8)).isCloseTo(1 / 0.8, within(1e-6));
    assertThat(gradient(0.3)).isCloseTo(-1 / 0.3, within(1e-6));
    assertThat(gradient(0.503)).isZero();
    assertThat(gradient(0.498)).isZero();
  }

  @Test
  void aFloat32RatioGivesAFloat32Penalty() {
    for (double r : new double[] {0.2, 0.8}) {
      assertThat(ResourcePenalty.of(LOSS).value(manager.create((float) r)).getDataType())
          .isEqualTo(DataType.FLOAT32);
    }
  }

  @Test
  void aRatioOfZeroCostsAsMuchAsTheFloorAndStillPushesBack() {
    double p = LOSS.target();

    assertThat(ResourcePenalty.of(LOSS).value(manager.create(0f)).getFloat())
        .isCloseTo((float) Math.log(p / ResourcePenalty.FLOOR), within(1e-3f));
    assertThat(gradient(0)).isLessThan(-1e5);
  }

  @Test
  void aRatioThatIsNotANumberIsRejectedWithTheCoresMessage() {
    assertThatThrownBy(() -> ResourcePenalty.of(LOSS).value(manager.create(Float.NaN)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the kept-FLOPs ratio must be positive, found NaN");
  }

  private double gradient(double r) {
    NDArray ratio = manager.create((float) r);
    ratio.setRequiresGradient(true);
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      collector.backward(ResourcePenalty.of(LOSS).value(ratio));
    }
    return ratio.getGradient().getFloat();
  }
}
