package dev.ato.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ato.groups.BlockPartition;
import dev.ato.groups.GroupOptions;
import dev.ato.projection.Projection;
import dev.ato.schedule.LambdaSchedule;
import dev.ato.schedule.TrainingSchedule;
import org.junit.jupiter.api.Test;

class AtoConfigTest {

  private static AtoConfig defaults() {
    return AtoConfig.builder().setFlopsReduction(0.5).setEpochs(4).build();
  }

  /** Every option away from its default. */
  private static AtoConfig everythingSet() {
    return AtoConfig.builder()
        .setFlopsReduction(0.65)
        .setEpochs(12)
        .optFlopsTolerance(0.02)
        .optBudgetCorrection(false)
        .optFailOnMissedTarget(true)
        .optTrainCompressedAfterFreeze(false)
        .optSchedule(0.05, 0.25, 0.6)
        .optControllerInterval(50)
        .optControllerLearningRate(3e-3)
        .optResourceWeight(2.5)
        .optControllerDataFraction(0.1)
        .optProjection(new Projection.HalfSpace(0.2, new LambdaSchedule(5, 500)))
        .optMaskSource(MaskSource.MAGNITUDE)
        .optChannelMultiple(16)
        .optGroupOptions(
            GroupOptions.builder()
                .optPruneResidualStreams(true)
                .optBlockPartition(BlockPartition.SCOPE)
                .build())
        .optSeed(-7L)
        .build();
  }

  @Test
  void defaultsAreThePapers() {
    AtoConfig config = defaults();

    assertThat(config.flopsTolerance()).isEqualTo(0.01);
    assertThat(config.budgetCorrection()).isTrue();
    assertThat(config.failOnMissedTarget()).isFalse();
    assertThat(config.trainCompressedAfterFreeze()).isTrue();
    assertThat(config.controllerStart()).isEqualTo(0.1);
    assertThat(config.warmup()).isEqualTo(0.2);
    assertThat(config.controllerEnd()).isEqualTo(0.5);
    assertThat(config.controllerUpdates()).hasValue(2000);
    assertThat(config.controllerInterval()).isEmpty();
    assertThat(config.resourceWeight()).isEqualTo(4.0);
    assertThat(config.projection()).isEqualTo(Projection.groupLasso());
    assertThat(config.maskSource()).isEqualTo(MaskSource.CONTROLLER);
    assertThat(config.groupOptions()).isEqualTo(GroupOptions.defaults());
    assertThat(config.seed()).isEqualTo(42L);
  }

  @Test
  void settingsAtoResolvesForTheRunAreEmpty() {
    AtoConfig config = defaults();

    assertThat(config.controllerLearningRate()).isEmpty();
    assertThat(config.controllerDataFraction()).isEmpty();
    assertThat(config.channelMultiple()).isEmpty();
  }

  @Test
  void equalSettingsMakeEqualConfigs() {
    assertThat(defaults()).isEqualTo(defaults()).hasSameHashCodeAs(defaults());
    assertThat(everythingSet()).isEqualTo(everythingSet());
  }

  @Test
  void oneDifferentSettingMakesADifferentConfig() {
    AtoConfig otherSeed =
        AtoConfig.builder().setFlopsReduction(0.5).setEpochs(4).optSeed(43).build();

    assertThat(otherSeed).isNotEqualTo(defaults());
  }

  @Test
  void theFirstDifferenceIsNamedWithBothValues() {
    AtoConfig otherSeed = defaults().toBuilder().optSeed(43).build();

    assertThat(otherSeed.differenceFrom(defaults())).hasValue("seed is 43, not 42");
    assertThat(defaults().differenceFrom(defaults())).isEmpty();
  }

  @Test
  void aNestedDifferenceIsNamedByItsPath() {
    AtoConfig halfSpace = defaults().toBuilder().optProjection(Projection.halfSpace(0.1)).build();

    assertThat(halfSpace.differenceFrom(defaults()))
        .hasValue("projection.kind is \"half-space\", not \"group-lasso\"");
  }

  @Test
  void jsonRoundTripKeepsTheDefaults() {
    AtoConfig config = defaults();

    assertThat(AtoConfig.fromJson(config.toJson())).isEqualTo(config);
  }

  @Test
  void jsonRoundTripKeepsEverySetting() {
    AtoConfig back = AtoConfig.fromJson(everythingSet().toJson());

    assertThat(back).isEqualTo(everythingSet());
    assertThat(back.projection())
        .isEqualTo(new Projection.HalfSpace(0.2, new LambdaSchedule(5, 500)));
    assertThat(back.controllerInterval()).hasValue(50);
    assertThat(back.controllerUpdates()).isEmpty();
    assertThat(back.channelMultiple()).hasValue(16);
    assertThat(back.controllerDataFraction()).hasValue(0.1);
    assertThat(back.seed()).isEqualTo(-7L);
    assertThat(back.trainCompressedAfterFreeze()).isFalse();
  }

  @Test
  void jsonWrittenBeforeTheSwapToTheCompressedNetworkReadsAsTrainingTheDenseModelToTheEnd() {
    String json = defaults().toJson().replace("\"trainCompressedAfterFreeze\":true,", "");

    assertThat(json).doesNotContain("trainCompressedAfterFreeze");
    assertThat(AtoConfig.fromJson(json).trainCompressedAfterFreeze()).isFalse();
  }

  @Test
  void jsonNamesEachSettingAndLeavesResolvedOnesNull() {
    String json = defaults().toJson();

    assertThat(json)
        .contains(
            "\"format\":\"ato-config/1\"",
            "\"flopsReduction\":0.5",
            "\"epochs\":4",
            "\"controllerUpdates\":2000",
            "\"controllerInterval\":null",
            "\"learningRate\":null",
            "\"channelMultiple\":null",
            "\"kind\":\"group-lasso\"",
            "\"maskSource\":\"CONTROLLER\"",
            "\"seed\":42");
  }

  @Test
  void jsonOfAnotherFormatIsRefusedNamingBoth() {
    String json = defaults().toJson().replace("ato-config/1", "ato-config/9");

    assertThatThrownBy(() -> AtoConfig.fromJson(json))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ato-config/9")
        .hasMessageContaining("ato-config/1");
  }

  @Test
  void jsonWithoutARequiredSettingNamesIt() {
    String json = defaults().toJson().replace("\"epochs\":4,", "");

    assertThatThrownBy(() -> AtoConfig.fromJson(json))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'epochs'");
  }

  @Test
  void jsonWithAnUnknownMaskSourceListsTheKnownOnes() {
    String json = defaults().toJson().replace("CONTROLLER", "ORACLE");

    assertThatThrownBy(() -> AtoConfig.fromJson(json))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ORACLE")
        .hasMessageContaining("MAGNITUDE");
  }

  @Test
  void jsonIsHeldToTheBuildersRules() {
    String json = defaults().toJson().replace("\"flopsReduction\":0.5", "\"flopsReduction\":1.5");

    assertThatThrownBy(() -> AtoConfig.fromJson(json))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1.5");
  }

  @Test
  void malformedJsonIsAnIllegalArgument() {
    assertThatThrownBy(() -> AtoConfig.fromJson("{\"format\": "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("malformed");
  }

  @Test
  void theReductionIsRequired() {
    assertThatThrownBy(() -> AtoConfig.builder().setEpochs(3).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("setFlopsReduction");
  }

  @Test
  void anOptionSetTwiceIsAnError() {
    AtoConfig.Builder builder = AtoConfig.builder().optSeed(1);

    assertThatThrownBy(() -> builder.optSeed(2))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("seed");
  }

  @Test
  void updatesAndIntervalExcludeEachOther() {
    AtoConfig.Builder builder = AtoConfig.builder().optControllerUpdates(100);

    assertThatThrownBy(() -> builder.optControllerInterval(5))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not both");
  }

  @Test
  void scheduleFractionsOutOfOrderAreRefusedAtBuild() {
    AtoConfig.Builder builder =
        AtoConfig.builder().setFlopsReduction(0.5).setEpochs(2).optSchedule(0.3, 0.2, 0.5);

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("controllerStart (0.3)");
  }

  @Test
  void theScheduleIsSizedToTheRun() {
    TrainingSchedule schedule =
        AtoConfig.builder()
            .setFlopsReduction(0.5)
            .setEpochs(2)
            .optControllerInterval(10)
            .build()
            .schedule(1000);

    assertThat(schedule.totalSteps()).isEqualTo(1000);
    assertThat(schedule.controllerStartStep()).isEqualTo(100);
    assertThat(schedule.warmupStep()).isEqualTo(200);
    assertThat(schedule.controllerEndStep()).isEqualTo(500);
    assertThat(schedule.controllerInterval()).isEqualTo(10);
  }

  @Test
  void aDerivedConfigChangesOnlyWhatIsSet() {
    AtoConfig derived = defaults().toBuilder().optSeed(7).build();

    assertThat(derived.seed()).isEqualTo(7);
    assertThat(derived.toBuilder().optSeed(42).build()).isEqualTo(defaults());
  }

  @Test
  void halfSpaceEpsilonOutsideItsRangeIsRefused() {
    assertThatThrownBy(() -> Projection.halfSpace(1.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[0, 1)");
  }
}
