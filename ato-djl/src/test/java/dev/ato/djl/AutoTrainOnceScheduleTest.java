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
 * Algorithm 1's schedule as a whole run keeps it: 240 images less 5% held out, in batches of 20,
 * give 12 steps per epoch and T = 36 over 3 epochs, so the paper's fractions put the controller's
 * start at floor(0.1 T) = 3, the warm-up's end at floor(0.2 T) = 7 and the freeze at floor(0.5 T) =
 * 18. On the builder's defaults the controller trains every 8th step of that window, at 3 and 11; a
 * second run trains it at every step, at ten times the paper's rate, so that its mask moves inside
 * the window.
 */
class AutoTrainOnceScheduleTest {

  private static FashionMnistSlices.Slice train;
  private static Recording defaults;
  private static Recording everyStep;

  /** What a run's listener saw, step by step. */
  private static final class Recording {
    final List<Long> updateSteps = new ArrayList<>();
    final List<GroupMask> masks = new ArrayList<>();
    final List<Boolean> projected = new ArrayList<>();
    final List<Double> lambdas = new ArrayList<>();
    final List<Boolean> compressed = new ArrayList<>();
    final List<StepInfo> steps = new ArrayList<>();
    GroupMask finalMask;

    static Recording of(AutoTrainOnceBuilder builder) {
      Recording r = new Recording();
      try (AutoTrainOnce ato =
              builder
                  .addListener(
                      new AtoListener() {
                        @Override
                        public void onStep(StepInfo step) {
                          r.masks.add(step.mask());
                          r.projected.add(step.projected());
                          r.lambdas.add(step.lambda());
                          r.compressed.add(step.trainedCompressed());
                          r.steps.add(step);
                        }

                        @Override
                        public void onControllerUpdate(ControllerUpdate update) {
                          r.updateSteps.add(update.step());
                        }
                      })
                  .build();
          AtoResult result = ato.fit()) {
        r.finalMask = result.mask();
      }
      return r;
    }

    /** The first step that trained the compressed network, 36 when none did. */
    int firstCompressedStep() {
      int first = compressed.indexOf(true);
      return first < 0 ? compressed.size() : first;
    }
  }

  @BeforeAll
  static void runBoth() throws IOException {
    train = FashionMnistSlices.train(240, 20);
    defaults = Recording.of(builder());
    everyStep = Recording.of(builder().optControllerInterval(1).optControllerLearningRate(1e-2));
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
    assertThat(defaults.masks).hasSize(36);
  }

  @Test
  void onTheDefaultsTheControllerTrainsEveryEighthStepFromItsStartToTheFreeze() {
    assertThat(defaults.updateSteps).containsExactly(3L, 11L);
  }

  @Test
  void withAnIntervalOfOneTheControllerTrainsAtEveryStepFromItsStartToTheFreeze() {
    assertThat(everyStep.updateSteps)
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
    assertThat(defaults.projected.subList(0, 7)).containsOnly(false);
    assertThat(everyStep.projected.subList(0, 7)).containsOnly(false);
  }

  @Test
  void fromTheWarmUpOnEveryStepWithPrunedGroupsProjectsUntilTheCompressedNetworkTakesOver() {
    for (int step = 7; step < 18; step++) {
      assertThat(defaults.projected.get(step))
          .as("step %s", step)
          .isEqualTo(defaults.masks.get(step).prunedCount() > 0);
    }
    // The freeze ends step 18, after its projection, and its correction prunes the defaults'
    // groups at the latest: every step after projects, until the compressed network trains.
    int swap = defaults.firstCompressedStep();
    assertThat(defaults.projected.subList(19, swap)).containsOnly(true);
    assertThat(defaults.projected.subList(swap, 36)).containsOnly(false);
  }

  @Test
  void onTheDefaultsTheCompressedNetworkTrainsFromSoonAfterTheFreezeToTheEnd() {
    int swap = defaults.firstCompressedStep();

    // Step 18 projects at the window's lambda of 10; step 19, the first at 1000, zeroes the
    // groups, and the compressed network trains from step 20.
    assertThat(swap).isEqualTo(20);
    assertThat(defaults.compressed.subList(0, swap)).containsOnly(false);
    assertThat(defaults.compressed.subList(swap, 36)).containsOnly(true);
  }

  @Test
  void withoutTheSwapTheDenseModelTrainsAndProjectsToTheLastStep() {
    Recording dense = Recording.of(builder().optTrainCompressedAfterFreeze(false));

    assertThat(dense.compressed).containsOnly(false);
    assertThat(dense.projected.subList(19, 36)).containsOnly(true);
    assertThat(dense.lambdas.subList(19, 36)).containsOnly(1000.0);
  }

  @Test
  void aControllerThatPrunesInsideTheWindowIsProjectedFromTheWarmUpOn() {
    assertThat(everyStep.projected.subList(7, everyStep.firstCompressedStep())).containsOnly(true);
  }

  @Test
  void lambdaIsTenUntilTheFreezeAndAThousandAfter() {
    assertThat(everyStep.lambdas.subList(7, 19)).containsOnly(10.0);
    assertThat(everyStep.lambdas.subList(19, everyStep.firstCompressedStep())).containsOnly(1000.0);
    assertThat(defaults.lambdas.subList(19, defaults.firstCompressedStep())).containsOnly(1000.0);
  }

  @Test
  void theMaskNeverChangesFromTheFreezeOn() {
    assertThat(defaults.masks.subList(18, 36)).containsOnly(defaults.finalMask);
    assertThat(defaults.finalMask.prunedCount()).isPositive();
  }

  @Test
  void theMaskChangesDuringTheWindow() {
    assertThat(everyStep.masks.subList(2, 18).stream().distinct().count()).isGreaterThan(1);
  }

  @Test
  void everyStepReportsTheTimeOfItsTraining() {
    assertThat(defaults.steps).allSatisfy(step -> assertThat(step.trainSeconds()).isPositive());
  }

  @Test
  void controllerTimeIsSpentExactlyAtTheStepsThatUpdateTheController() {
    List<Long> timed =
        defaults.steps.stream()
            .filter(step -> step.controllerSeconds() > 0)
            .map(StepInfo::step)
            .toList();
    assertThat(timed).containsExactlyElementsOf(defaults.updateSteps);
  }

  @Test
  void projectionTimeIsSpentExactlyAtTheStepsThatProject() {
    assertThat(defaults.steps)
        .allSatisfy(
            step ->
                assertThat(step.projectionSeconds() > 0)
                    .as("step %s", step.step())
                    .isEqualTo(step.projected()));
  }
}
