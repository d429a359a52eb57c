package dev.ato.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.ato.config.AtoConfig;
import dev.ato.djl.testing.CifarNetworks;
import dev.ato.projection.Projection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code build()} rejects bad input before any training, with a message naming the problem. */
class AutoTrainOnceBuilderTest {

  private NDManager manager;
  private ArrayDataset data;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
    data = dataset(40);
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private ArrayDataset dataset(int size) {
    return new ArrayDataset.Builder()
        .setData(manager.randomNormal(new Shape(size, 1, 12, 12)))
        .optLabels(manager.zeros(new Shape(size)))
        .setSampling(8, false)
        .build();
  }

  private static Block resnet8() {
    return CifarNetworks.resNet(8, 3);
  }

  private AutoTrainOnceBuilder valid() {
    return valid(data);
  }

  private AutoTrainOnceBuilder valid(ArrayDataset training) {
    return AutoTrainOnce.builder()
        .setBlock(resnet8())
        .setInputShape(new Shape(1, 1, 12, 12))
        .setTrainingData(training)
        .setFlopsReduction(0.4)
        .setEpochs(1);
  }

  @Test
  void aValidSetUpReadsTheModelAndConvertsTheBudget() {
    try (AutoTrainOnce ato = valid().build()) {
      // ResNet-8: the first convolution of its three units, 16 + 32 + 64 channels.
      assertThat(ato.groups().size()).isEqualTo(112);
      assertThat(ato.target().reduction()).isEqualTo(0.4);
      assertThat(ato.target().prunableRatio()).isLessThan(0.6);
    }
  }

  @Test
  void theProjectionStepSizeIsTheOptimisersLearningRate() {
    Tracker cosine =
        Tracker.cosine().setBaseValue(0.1f).optFinalValue(0.001f).setMaxUpdates(100).build();
    try (AutoTrainOnce ato =
        valid().optOptimizer(Optimizer.sgd().setLearningRateTracker(cosine).build()).build()) {
      assertThat(ato.context().settings().learningRate().getNewValue("any", 50))
          .isEqualTo(cosine.getNewValue(50));
      assertThat(ato.context().settings().learningRate().getNewValue("any", 1))
          .isCloseTo(0.1f, within(1e-4f));
    }
  }

  @Test
  void theProjectionCountsUpdatesFromTheOptimisersFirstUpdateNumber() {
    try (AutoTrainOnce ato =
        valid()
            .optOptimizer(
                Optimizer.sgd()
                    .setLearningRateTracker(Tracker.fixed(0.1f))
                    .optBeginNumUpdate(100)
                    .build())
            .build()) {
      assertThat(ato.context().settings().firstUpdate()).isEqualTo(101);
    }
  }

  /** An optimiser of the user's own, without DJL's learning-rate tracker field. */
  private static final class HandMadeOptimizer extends Optimizer {
    HandMadeOptimizer() {
      super(new Builder());
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
      weight.subi(grad.mul(0.1f));
    }

    private static final class Builder extends OptimizerBuilder<Builder> {
      @Override
      protected Builder self() {
        return this;
      }
    }
  }

  @Test
  void anOptimiserWhoseLearningRateCannotBeReadIsRejectedNotGuessed() {
    AutoTrainOnceBuilder builder = valid().optOptimizer(new HandMadeOptimizer());

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "optimizer "
                + HandMadeOptimizer.class.getName()
                + " has no "
                + "learning-rate tracker that ato can read");
  }

  @Test
  void aNullModelIsRejected() {
    assertThatThrownBy(() -> AutoTrainOnce.builder().setBlock(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the block must not be null");
    assertThatThrownBy(() -> AutoTrainOnce.builder().setModel(null))
        .hasMessage("the model must not be null");
  }

  @Test
  void aModelWithoutABlockIsRejected() {
    try (Model empty = Model.newInstance("empty")) {
      assertThatThrownBy(() -> AutoTrainOnce.builder().setModel(empty))
          .hasMessage("model 'empty' has no block; call setBlock on it first");
    }
  }

  @Test
  void anInputShapeThatDoesNotFitTheModelIsNamed() {
    Block block = resnet8();
    block.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 12, 12));
    AutoTrainOnceBuilder builder =
        AutoTrainOnce.builder()
            .setBlock(block)
            .setInputShape(new Shape(1, 3, 12, 12))
            .setTrainingData(data)
            .setFlopsReduction(0.4)
            .setEpochs(1);

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "block '01Conv2d' cannot run on inputs of shape (3, 12, 12) " + "per sample");
  }

  @Test
  void anInputShapeWithoutChannelsIsNamed() {
    AutoTrainOnceBuilder builder =
        AutoTrainOnce.builder()
            .setBlock(resnet8())
            .setInputShape(new Shape(1, 12, 12))
            .setTrainingData(data)
            .setFlopsReduction(0.4)
            .setEpochs(1);

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("the input shape (1, 12, 12) does not fit model 'ato-model'");
  }

  @Test
  void aReductionOutOfRangeIsRejected() {
    AutoTrainOnceBuilder builder =
        AutoTrainOnce.builder()
            .setBlock(resnet8())
            .setInputShape(new Shape(1, 1, 12, 12))
            .setTrainingData(data);

    assertThatThrownBy(() -> builder.setFlopsReduction(1.2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "a FLOPs reduction must lie in (0, 1), e.g. 0.55 to remove 55% of FLOPs; "
                + "found 1.2");
  }

  @Test
  void aReductionBeyondThePrunablePartIsRejected() {
    AutoTrainOnceBuilder builder =
        AutoTrainOnce.builder()
            .setBlock(resnet8())
            .setInputShape(new Shape(1, 1, 12, 12))
            .setTrainingData(data)
            .setFlopsReduction(0.99)
            .setEpochs(1);

    assertThatThrownBy(builder::build)
        .hasMessageContaining("is more than graph 'ato-model' can give");
  }

  @Test
  void anEmptyDatasetIsRejected() {
    AutoTrainOnceBuilder builder =
        AutoTrainOnce.builder()
            .setBlock(resnet8())
            .setInputShape(new Shape(1, 1, 12, 12))
            .setTrainingData(dataset(0))
            .setFlopsReduction(0.4)
            .setEpochs(1);

    assertThatThrownBy(builder::build).hasMessage("the training data set is empty");
  }

  @Test
  void tooLittleDataForAControllerSplitIsRejected() {
    AutoTrainOnceBuilder builder =
        AutoTrainOnce.builder()
            .setBlock(resnet8())
            .setInputShape(new Shape(1, 1, 12, 12))
            .setTrainingData(dataset(5))
            .setFlopsReduction(0.4)
            .setEpochs(1);

    assertThatThrownBy(builder::build)
        .hasMessage(
            "holding out 0.05 of 5 training records for "
                + "the controller leaves one part empty; use more data, another "
                + "optControllerDataFraction or optControllerData");
  }

  @Test
  void recordsOfAnotherShapeThanTheInputShapeAreNamed() {
    AutoTrainOnceBuilder builder =
        AutoTrainOnce.builder()
            .setBlock(resnet8())
            .setInputShape(new Shape(1, 1, 16, 16))
            .setTrainingData(data)
            .setFlopsReduction(0.4)
            .setEpochs(1);

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "the training data's records have shape (1, 12, 12) but the input shape is "
                + "(1, 16, 16) per sample ((1, 1, 16, 16) with the batch axis)");
  }

  @Test
  void aLabelBeyondTheClassifiersOutputsIsNamed() {
    ArrayDataset badLabels =
        new ArrayDataset.Builder()
            .setData(manager.randomNormal(new Shape(40, 1, 12, 12)))
            .optLabels(manager.full(new Shape(40), 7f))
            .setSampling(8, false)
            .build();
    AutoTrainOnceBuilder builder =
        AutoTrainOnce.builder()
            .setBlock(resnet8())
            .setInputShape(new Shape(1, 1, 12, 12))
            .setTrainingData(badLabels)
            .setFlopsReduction(0.4)
            .setEpochs(1);

    assertThatThrownBy(builder::build)
        .hasMessage(
            "the first training record's label is 7.0, but the model has 3 outputs: "
                + "labels must be class indices 0..2");
  }

  @Test
  void fitRunsOnce() {
    ArrayDataset tiny =
        new ArrayDataset.Builder()
            .setData(manager.randomNormal(new Shape(40, 1, 12, 12)))
            .optLabels(manager.zeros(new Shape(40)))
            .setSampling(8, false)
            .build();
    try (AutoTrainOnce ato =
        AutoTrainOnce.builder()
            .setBlock(resnet8())
            .setInputShape(new Shape(1, 1, 12, 12))
            .setTrainingData(tiny)
            .setFlopsReduction(0.4)
            .setEpochs(1)
            .build()) {
      ato.fit().close();

      assertThatThrownBy(ato::fit).hasMessageStartingWith("fit() was already called");
    }
  }

  @Test
  void aDataSetSmallerThanOneBatchIsNamedBeforeTraining() {
    ArrayDataset fewRecords =
        new ArrayDataset.Builder()
            .setData(manager.randomNormal(new Shape(40, 1, 12, 12)))
            .optLabels(manager.zeros(new Shape(40)))
            .setSampling(64, false, true)
            .build();
    AutoTrainOnceBuilder builder =
        AutoTrainOnce.builder()
            .setBlock(resnet8())
            .setInputShape(new Shape(1, 1, 12, 12))
            .setTrainingData(fewRecords)
            .setFlopsReduction(0.4)
            .setEpochs(1);

    assertThatThrownBy(builder::build)
        .hasMessage(
            "the training data gives no batch: 38 "
                + "records remain after holding out the controller's share, fewer than one batch; use "
                + "more data or a smaller batch");
  }

  @Test
  void theTotalStepsAreKnownAfterBuildFromTheTrainingPartOfTheData() {
    // 41 records less round(0.05 * 41) = 2 held out: 39 in batches of 8, ceil(39 / 8) = 5.
    try (AutoTrainOnce ato =
        AutoTrainOnce.builder()
            .setBlock(resnet8())
            .setInputShape(new Shape(1, 1, 12, 12))
            .setTrainingData(dataset(41))
            .setFlopsReduction(0.4)
            .setEpochs(3)
            .build()) {
      assertThat(ato.totalSteps()).isEqualTo(15);
    }
  }

  @Test
  void aSeparateControllerDataSetLeavesAllTheTrainingDataToTheModel() {
    // All 41 records train the model: ceil(41 / 8) = 6 batches.
    try (AutoTrainOnce ato = valid(dataset(41)).optControllerData(dataset(16)).build()) {
      assertThat(ato.totalSteps()).isEqualTo(6);
    }
  }

  @Test
  void aControllerDataSetAndAHeldOutFractionTogetherAreRejected() {
    AutoTrainOnceBuilder builder =
        valid(dataset(41)).optControllerData(dataset(16)).optControllerDataFraction(0.1);

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "both optControllerData and optControllerDataFraction were " + "given");
  }

  @Test
  void settersCalledAfterBuildChangeNothingOfTheBuiltRun() {
    AutoTrainOnceBuilder builder = valid();
    List<String> heard = new ArrayList<>();
    try (AutoTrainOnce ato = builder.build()) {
      long steps = ato.totalSteps();
      long interval = ato.schedule().controllerInterval();
      builder
          .optSchedule(0.0, 0.0, 1.0)
          .optControllerInterval(1)
          .addListener(
              new AtoListener() {
                @Override
                public void onStart(RunInfo info) {
                  heard.add("start");
                }
              });

      try (AtoResult ignored = ato.fit()) {
        assertThat(heard).isEmpty();
        assertThat(ato.totalSteps()).isEqualTo(steps);
        assertThat(ato.schedule().controllerInterval()).isEqualTo(interval);
      }
    }
  }

  @Test
  void aTrainingConfigWithSeveralDevicesIsRejectedWithTheFix() {
    DefaultTrainingConfig config =
        new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
            .optDevices(new Device[] {Device.cpu(), Device.cpu()});
    AutoTrainOnceBuilder builder = valid().optTrainingConfig(config);

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "the training config names 2 devices [cpu(), cpu()], but an ATO "
                + "run trains on exactly one")
        .hasMessageEndingWith("use optDevices(new Device[] {device})");
  }

  @Test
  void aTrainingConfigTogetherWithAnIndividualTrainingOptionIsRejected() {
    AutoTrainOnceBuilder builder =
        valid()
            .optTrainingConfig(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()))
            .optLoss(Loss.l2Loss());

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "a TrainingConfig was given together with optOptimizer, optLoss, optDevice "
                + "or addTrainingListeners: give those in the TrainingConfig or as options, not "
                + "both");
  }

  @Test
  void missingRequiredOptionsAreNamed() {
    assertThatThrownBy(() -> AutoTrainOnce.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("setModel(...) or setBlock(...) is required");
    assertThatThrownBy(() -> AutoTrainOnce.builder().setBlock(resnet8()).build())
        .hasMessage("setInputShape(...) is required");
  }

  @Test
  void scheduleFractionsOutOfOrderAreRejected() {
    AutoTrainOnceBuilder builder = valid().optSchedule(0.3, 0.2, 0.5);

    assertThatThrownBy(builder::build)
        .hasMessage(
            "the controller must start no later than projection: controllerStart (0.3) "
                + "must not exceed warmup (0.2)");
  }

  @Test
  void optionsCannotBeSetTwice() {
    AutoTrainOnceBuilder builder = valid();

    assertThatThrownBy(() -> builder.setEpochs(3)).hasMessage("the epochs were already set");
    assertThatThrownBy(() -> builder.setBlock(resnet8())).hasMessage("the model was already set");
  }

  @Test
  void badNumbersAreRejectedWhereTheyAreSet() {
    assertThatThrownBy(() -> AutoTrainOnce.builder().setEpochs(0))
        .hasMessage("train for at least 1 epoch, found 0");
    assertThatThrownBy(() -> AutoTrainOnce.builder().optControllerDataFraction(1.5))
        .hasMessage("the controller data fraction must lie in (0, 1), found 1.5");
    assertThatThrownBy(() -> Projection.halfSpace(1))
        .hasMessage(
            "epsilon of the half-space projection must lie in [0, 1), e.g. the paper's "
                + "0.1; found 1.0");
    assertThatThrownBy(() -> AutoTrainOnce.builder().optFlopsTolerance(0))
        .hasMessage(
            "the FLOPs tolerance must lie in (0, 1), e.g. 0.01 for one percentage point; "
                + "found 0.0");
    assertThatThrownBy(() -> AutoTrainOnce.builder().optControllerLearningRate(-1))
        .hasMessage("the controller learning rate must be positive and finite, found -1.0");
  }

  @Test
  void controllerUpdatesAndAnIntervalAreExclusive() {
    assertThatThrownBy(
            () -> AutoTrainOnce.builder().optControllerUpdates(100).optControllerInterval(20))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "the controller updates were set: give either optControllerUpdates or "
                + "optControllerInterval, not both");
  }

  @Test
  void theBudgetIsTheTargetWithinOnePointByDefault() {
    try (AutoTrainOnce ato = valid().build()) {
      assertThat(ato.budget().target()).isEqualTo(0.4);
      assertThat(ato.budget().tolerance()).isEqualTo(0.01);
    }
  }

  @Test
  void theConfigurationHoldsTheOptionsGivenAndTheDefaults() {
    try (AutoTrainOnce ato = valid().optSeed(7).optControllerInterval(5).build()) {
      assertThat(ato.config().flopsReduction()).isEqualTo(0.4);
      assertThat(ato.config().epochs()).isEqualTo(1);
      assertThat(ato.config().seed()).isEqualTo(7);
      assertThat(ato.config().controllerInterval()).hasValue(5);
      assertThat(ato.config().projection()).isEqualTo(Projection.groupLasso());
    }
  }

  @Test
  void aConfigurationGivenWholeBuildsTheRunTheOptionsOneByOneBuild() {
    AtoConfig config =
        AtoConfig.builder()
            .setFlopsReduction(0.4)
            .setEpochs(1)
            .optSeed(7)
            .optControllerInterval(5)
            .build();
    try (AutoTrainOnce oneByOne = valid().optSeed(7).optControllerInterval(5).build();
        AutoTrainOnce whole =
            AutoTrainOnce.builder()
                .setBlock(resnet8())
                .setInputShape(new Shape(1, 1, 12, 12))
                .setTrainingData(data)
                .optConfig(config)
                .build()) {
      assertThat(whole.config()).isEqualTo(oneByOne.config());
      assertThat(whole.schedule().toString()).isEqualTo(oneByOne.schedule().toString());
    }
  }

  @Test
  void aConfigurationGivenWholeExcludesOptionsOneByOne() {
    AtoConfig config = AtoConfig.builder().setFlopsReduction(0.4).setEpochs(1).build();

    assertThatThrownBy(() -> AutoTrainOnce.builder().optConfig(config).optSeed(3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("given whole with optConfig");
    assertThatThrownBy(() -> AutoTrainOnce.builder().optSeed(3).optConfig(config))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("set one by one");
  }

  @Test
  void anOptimizerFunctionIsGivenTheRunsTotalSteps() {
    long[] given = new long[1];
    try (AutoTrainOnce ato =
        valid()
            .optOptimizer(
                steps -> {
                  given[0] = steps;
                  return Optimizer.sgd()
                      .setLearningRateTracker(
                          Tracker.cosine()
                              .setBaseValue(0.1f)
                              .optFinalValue(0.001f)
                              .setMaxUpdates((int) steps)
                              .build())
                      .build();
                })
            .build()) {
      assertThat(given[0]).isEqualTo(ato.totalSteps()).isPositive();
      // The projection's step size follows the tracker: at the run's end, the final value.
      assertThat(ato.context().settings().learningRate().getNewValue("any", (int) ato.totalSteps()))
          .isCloseTo(0.001f, within(1e-6f));
    }
  }
}
