package dev.ato.djl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ato.djl.AtoListener.StepInfo;
import dev.ato.djl.testing.DefaultRuns;
import dev.ato.djl.testing.FashionMnistSlices;
import dev.ato.groups.GroupMask;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Algorithm 1's schedule as a whole run with the builder's defaults keeps it: 240 images less 5%
 * held out, in batches of 20, give 12 steps per epoch and T = 36 over 3 epochs, so the paper's
 * fractions put the controller's start at floor(0.1 T) = 3, the warm-up's end at floor(0.2 T) = 7
 * and the freeze at floor(0.5 T) = 18, with a controller update at every step between.
 */
class AutoTrainOnceScheduleTest {

  private static FashionMnistSlices.Slice train;
  private static final List<Long> updateSteps = new ArrayList<>();
  private static final List<GroupMask> masks = new ArrayList<>();
  private static final List<Boolean> projected = new ArrayList<>();
  private static final List<Double> lambdas = new ArrayList<>();
  private static final List<StepInfo> steps = new ArrayList<>();
  private static GroupMask finalMask;

  @BeforeAll
  static void runWithDefaults() throws IOException {
    train = FashionMnistSlices.train(240, 20);
    try (AutoTrainOnce ato =
            builder()
                .addListener(
                    new AtoListener() {
                      @Override
                      public void onStep(StepInfo step) {
                        masks.add(step.mask());
                        projected.add(step.projected());
                        lambdas.add(step.lambda());
                        steps.add(step);
                      }

                      @Override
                      public void onControllerUpdate(ControllerUpdate update) {
                        updateSteps.add(update.step());
                      }
                    })
                .build();
        AtoResult result = ato.fit()) {
      finalMask = result.mask();
    }
  }

  @AfterAll
  static void freeData() {
    train.close();
  }

  private static AutoTrainOnceBuilder builder() {
    return DefaultRuns.halvingResNet(8, train);
  }

  @Test
  void theRunTakesThirtySixSteps() {
    assertThat(masks).hasSize(36);
  }

  @Test
  void theControllerTrainsAtEveryStepFromItsStartToTheFreeze() {
    assertThat(updateSteps)
        .containsExactlyElementsOf(LongStream.rangeClosed(3, 18).boxed().toList());
  }

  @Test
  void withAnIntervalTheControllerTrainsAtTheStartPlusMultiplesUpToTheFreeze() {
    List<Long> every4 = new ArrayList<>();
    try (AutoTrainOnce ato =
            builder()
                .optControllerInterval(4)
                .addListener(
                    new AtoListener() {
                      @Override
                      public void onControllerUpdate(ControllerUpdate update) {
                        every4.add(update.step());
                      }
                    })
                .build();
        AtoResult ignored = ato.fit()) {
      // 3 + 4k <= 18: 3, 7, 11, 15 (19 is past the freeze).
      assertThat(every4).containsExactly(3L, 7L, 11L, 15L);
    }
  }

  @Test
  void nothingIsProjectedBeforeTheWarmUpEnds() {
    assertThat(projected.subList(0, 7)).containsOnly(false);
  }

  @Test
  void everyStepFromTheWarmUpOnProjects() {
    assertThat(projected.subList(7, 36)).containsOnly(true);
  }

  @Test
  void lambdaIsTenUntilTheFreezeAndAThousandAfter() {
    assertThat(lambdas.subList(7, 19)).containsOnly(10.0);
    assertThat(lambdas.subList(19, 36)).containsOnly(1000.0);
  }

  @Test
  void theMaskNeverChangesFromTheFreezeOn() {
    assertThat(masks.subList(18, 36)).containsOnly(finalMask);
    assertThat(finalMask.prunedCount()).isPositive();
  }

  @Test
  void theMaskChangesDuringTheWindow() {
    assertThat(masks.subList(2, 18).stream().distinct().count()).isGreaterThan(1);
  }

  @Test
  void everyStepReportsTheTimeOfItsTraining() {
    assertThat(steps).allSatisfy(step -> assertThat(step.trainSeconds()).isPositive());
  }

  @Test
  void controllerTimeIsSpentExactlyAtTheStepsThatUpdateTheController() {
    List<Long> timed =
        steps.stream().filter(step -> step.controllerSeconds() > 0).map(StepInfo::step).toList();
    assertThat(timed).containsExactlyElementsOf(updateSteps);
  }

  @Test
  void projectionTimeIsSpentExactlyAtTheStepsThatProject() {
    assertThat(steps)
        .allSatisfy(
            step ->
                assertThat(step.projectionSeconds() > 0)
                    .as("step %s", step.step())
                    .isEqualTo(step.projected()));
  }
}
