package dev.ato.djl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.ato.djl.testing.CifarNetworks;
import dev.ato.djl.testing.NoiseImages;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A long run allocates nothing it does not free: the live NDArrays of the model and the controller
 * stay flat over more than 2000 optimiser steps, through projection, controller updates and epoch
 * ends.
 */
class AutoTrainOnceLeakTest {

  @Test
  void liveArraysStayFlatOverTwoThousandSteps() {
    List<Integer> live = new ArrayList<>();
    long[] steps = new long[1];
    try (NDManager manager = NDManager.newBaseManager();
        Model model = Model.newInstance("leak")) {
      // 95 steps an epoch.
      ArrayDataset data = NoiseImages.of(manager);
      model.setBlock(CifarNetworks.resNet(8, 3, 4));
      try (AutoTrainOnce ato =
              AutoTrainOnce.builder()
                  .setModel(model)
                  .setInputShape(new Shape(1, 1, 8, 8))
                  .setTrainingData(data)
                  .setFlopsReduction(0.3)
                  .setEpochs(22)
                  .optControllerInterval(5)
                  .optOptimizer(
                      Optimizer.sgd()
                          .setLearningRateTracker(Tracker.fixed(0.01f))
                          .optMomentum(0.9f)
                          .build())
                  .addListener(
                      new AtoListener() {
                        @Override
                        public void onStep(StepInfo step) {
                          steps[0] = step.totalSteps();
                          // From step 1000 on, projection and controller state exist: sample.
                          if ((step.step() >= 1000 && step.step() % 100 == 0)
                              || step.step() == step.totalSteps() - 1) {
                            live.add(step.liveArrays());
                          }
                        }
                      })
                  .build();
          AtoResult ignored = ato.fit()) {
        assertThat(steps[0]).isGreaterThanOrEqualTo(2000);
      }
    }
    assertThat(live).hasSizeGreaterThan(5);
    assertThat(live).containsOnly(live.get(0));
  }
}
