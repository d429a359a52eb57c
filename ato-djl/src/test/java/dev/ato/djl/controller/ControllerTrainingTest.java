package dev.ato.djl.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.ato.architectures.Architectures;
import dev.ato.controller.ResourceLoss;
import dev.ato.cost.CostModel;
import dev.ato.graph.ChannelGraph;
import dev.ato.graph.ChannelShape;
import dev.ato.groups.GroupSet;
import dev.ato.groups.ZeroInvariantGroups;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A smoke test of the controller alone, on ResNet-20's groups: trained on the FLOPs penalty only
 * (the paper's controller step without the task loss), with the paper's optimiser, its sampled hard
 * masks settle at the target share of the prunable FLOPs. About 3.5 s on 2 cores.
 */
class ControllerTrainingTest {

  private static final double TARGET = 0.5;
  private static final int STEPS = 300;
  private static final int SETTLED = 50;

  @Test
  void aControllerTrainedOnTheFlopsPenaltyAloneSettlesAtTheTargetRatio() {
    ChannelGraph graph = Architectures.resnetCifar(20, ChannelShape.spatial(3, 32, 32), 10);
    GroupSet groups = ZeroInvariantGroups.find(graph);
    CostModel cost = CostModel.of(graph, groups);
    GumbelMask gumbel = GumbelMask.defaults();
    ResourcePenalty penalty = ResourcePenalty.of(ResourceLoss.forTarget(TARGET));
    SplittableRandom noise = new SplittableRandom(11);
    // The kept share of each sampled hard mask, priced by the core, not by the NDArray cost.
    double[] ratios = new double[STEPS];

    try (Model model = Model.newInstance("controller")) {
      model.setBlock(ControllerNetwork.forGroups(groups, 7));
      // The trainer's loss is never used: the controller's loss is built by hand below.
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(Loss.l2Loss())
              .optOptimizer(
                  Optimizer.adamW()
                      .optLearningRateTracker(Tracker.fixed(1e-3f))
                      .optWeightDecays(1e-2f)
                      .build());
      try (Trainer trainer = model.newTrainer(config);
          DifferentiableCost flops = DifferentiableCost.of(cost, trainer.getManager())) {
        trainer.initialize();
        NDManager modelManager = model.getNDManager();
        int live = 0;
        for (int step = 0; step < STEPS; step++) {
          // The step's temporaries close with the scope. step() stays outside it: AdamW
          // creates its moment arrays in the first step(), and a scope would close them.
          try (NDScope ignored = new NDScope();
              GradientCollector collector = trainer.newGradientCollector()) {
            NDArray logits = trainer.forward(new NDList()).singletonOrThrow();
            GumbelMask.Sample sample = gumbel.sample(logits, noise);
            NDArray ratio = flops.flopsRatio(sample.hard());
            collector.backward(penalty.value(ratio).mul((float) ResourceLoss.DEFAULT_WEIGHT));
            ratios[step] =
                cost.prunableFlops(sample.groupMask().toKeepVector()) / cost.prunableFlops();
          }
          trainer.step();
          if (step == 0) {
            live = modelManager.getManagedArrays().size();
          }
        }
        assertThat(modelManager.getManagedArrays())
            .as("arrays left after %s steps", STEPS)
            .hasSize(live);
      }
    }

    assertThat(ratios[0]).as("the offset b = 3 starts near all ones").isGreaterThan(0.95);
    double[] settled = Arrays.copyOfRange(ratios, STEPS - SETTLED, STEPS);
    assertThat(Arrays.stream(settled))
        .allSatisfy(r -> assertThat(r).isCloseTo(TARGET, within(0.05)));
    assertThat(Arrays.stream(settled).average().orElseThrow()).isCloseTo(TARGET, within(0.01));
  }
}
