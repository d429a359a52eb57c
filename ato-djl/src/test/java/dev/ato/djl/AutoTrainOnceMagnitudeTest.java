package dev.ato.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.ato.config.MaskSource;
import dev.ato.djl.testing.DefaultRuns;
import dev.ato.djl.testing.FashionMnistSlices;
import dev.ato.groups.ControllerBlock;
import dev.ato.groups.GroupMask;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link MaskSource#MAGNITUDE} with the builder's defaults otherwise: the run of
 * AutoTrainOnceScheduleTest (T = 36, warm-up's end at step 7) without a controller; the mask is
 * chosen from the weights when projection starts and never changes after.
 */
class AutoTrainOnceMagnitudeTest {

  private static FashionMnistSlices.Slice train;
  private static final List<GroupMask> masks = new ArrayList<>();
  private static final List<Long> updateSteps = new ArrayList<>();
  private static BudgetOutcome frozen;
  private static double[] magnitudesAtFreeze;
  private static AtoResult result;

  @BeforeAll
  static void runWithoutController() throws IOException {
    train = FashionMnistSlices.train(240, 20);
    AtomicReference<AutoTrainOnce> run = new AtomicReference<>();
    try (AutoTrainOnce ato =
        builder()
            .optMaskSource(MaskSource.MAGNITUDE)
            .addListener(
                new AtoListener() {
                  @Override
                  public void onStep(StepInfo step) {
                    masks.add(step.mask());
                  }

                  @Override
                  public void onControllerUpdate(ControllerUpdate update) {
                    updateSteps.add(update.step());
                  }

                  @Override
                  public void onMaskFrozen(BudgetOutcome outcome) {
                    frozen = outcome;
                    AutoTrainOnce ato = run.get();
                    try (NDManager manager = NDManager.newBaseManager()) {
                      magnitudesAtFreeze =
                          GroupMagnitudes.rootMeanSquares(ato.graph(), ato.groups(), manager);
                    }
                  }
                })
            .build()) {
      run.set(ato);
      result = ato.fit();
    }
  }

  @AfterAll
  static void freeData() {
    result.close();
    train.close();
  }

  private static AutoTrainOnceBuilder builder() {
    return DefaultRuns.halvingResNet(8, train);
  }

  @Test
  void noControllerUpdateIsTaken() {
    assertThat(updateSteps).isEmpty();
    assertThat(result.controllerUpdates()).isEmpty();
  }

  @Test
  void theMaskFreezesWhereProjectionStartsAndMeetsTheBudget() {
    assertThat(frozen.kind()).isEqualTo(BudgetOutcome.Kind.CHOSEN_BY_MAGNITUDE);
    assertThat(frozen.step()).isEqualTo(7);
    assertThat(result.targetMet()).isTrue();
    assertThat(result.flopsReduction()).isBetween(0.49, 0.51);
  }

  @Test
  void everyGroupIsKeptBeforeTheFreezeAndTheFrozenMaskAfter() {
    assertThat(masks).hasSize(36);
    assertThat(masks.subList(0, 7)).containsOnly(GroupMask.allKept(result.mask().size()));
    assertThat(masks.subList(7, 36)).containsOnly(result.mask());
  }

  @Test
  void thePrunedGroupsAreSmallerInMagnitudeThanTheKeptOnes() {
    double pruned = 0;
    double kept = 0;
    GroupMask mask = result.mask();
    for (int g = 0; g < mask.size(); g++) {
      if (mask.isKept(g)) {
        kept += magnitudesAtFreeze[g] / (mask.size() - mask.prunedCount());
      } else {
        pruned += magnitudesAtFreeze[g] / mask.prunedCount();
      }
    }
    assertThat(pruned).isLessThan(kept);
  }

  @Test
  void aModelOfEqualWeightsHasEqualMagnitudesWhateverTheGroupSizes() {
    try (AutoTrainOnce ato = builder().build();
        NDManager manager = NDManager.newBaseManager()) {
      for (Pair<String, Parameter> parameter : ato.model().getBlock().getParameters()) {
        parameter.getValue().getArray().set(filled(parameter.getValue(), -0.5f));
      }
      double[] magnitudes =
          GroupMagnitudes.absoluteRootMeanSquares(ato.graph(), ato.groups(), manager);
      // Every weight is -0.5: sqrt(n * 0.25) / sqrt(n) = 0.5 for a group of n weights.
      for (double magnitude : magnitudes) {
        assertThat(magnitude).isCloseTo(0.5, offset(1e-6));
      }
    }
  }

  @Test
  void magnitudesCompareWithTheMeanOfTheirLayer() {
    try (AutoTrainOnce ato = builder().build()) {
      double[] values = new double[ato.groups().size()];
      for (ControllerBlock block : ato.groups().blocks()) {
        // Block b: its first group 2(b + 1), the other n - 1 groups b + 1.
        for (int g = block.firstGroup(); g < block.endGroup(); g++) {
          values[g] = (block.index() + 1) * (g == block.firstGroup() ? 2.0 : 1.0);
        }
      }
      double[] relative = GroupMagnitudes.relativeToLayer(values, ato.groups());
      for (ControllerBlock block : ato.groups().blocks()) {
        // The mean is (b + 1)(n + 1) / n: 2n / (n + 1) for the first group, n / (n + 1) after.
        double n = block.size();
        assertThat(relative[block.firstGroup()]).isCloseTo(2 * n / (n + 1), offset(1e-12));
        if (block.size() > 1) {
          assertThat(relative[block.endGroup() - 1]).isCloseTo(n / (n + 1), offset(1e-12));
        }
      }
    }
  }

  private static float[] filled(Parameter parameter, float value) {
    float[] values = new float[Math.toIntExact(parameter.getArray().size())];
    Arrays.fill(values, value);
    return values;
  }
}
