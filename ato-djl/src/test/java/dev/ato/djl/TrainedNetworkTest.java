package dev.ato.djl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.EasyTrain;
import ai.djl.training.dataset.Batch;
import dev.ato.djl.engine.DjlInternals;
import dev.ato.djl.groups.GroupZeroing;
import dev.ato.djl.subnet.CompressedModel;
import dev.ato.djl.testing.Outputs;
import dev.ato.groups.GroupMask;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The swap to the compressed network after the freeze, on the README's ResNet-8 and the builder's
 * defaults: the optimiser's state follows the kept channels, and the compressed network's steps are
 * the dense model's with its pruned groups held at zero.
 */
class TrainedNetworkTest {

  /**
   * The first residual block's first convolution, in the dense model and in the compressed network:
   * its input, the residual stream, is kept whole, its outputs are pruned.
   */
  private static final String DENSE_CONV = "04ParallelBlock_01SequentialBlock_01Conv2d_weight";

  private static final String COMPRESSED_CONV = "04ParallelBlock.01SequentialBlock.01Conv2d_weight";

  @Test
  void theMomentumAndUpdateCountOfTheKeptChannelsFollowTheCut() throws IOException {
    try (OpenRun run = OpenRun.of(builder -> builder)) {
      RunContext context = run.context();
      // Two dense steps give every parameter a momentum and an update count of 2.
      int trained = 0;
      for (Batch batch : Batches.of(run.trainer, context.settings().train(), "training")) {
        if (trained++ < 2) {
          EasyTrain.trainBatch(run.trainer, batch);
          run.trainer.step();
        }
        batch.close();
      }
      Parameter denseConv = parameter(context.model().getBlock(), DENSE_CONV);
      String momentumField = "Sgd.momentumStates";
      float[] denseMomentum = momentumOf(context, momentumField, denseConv);
      long[] denseShape = denseConv.getArray().getShape().getShape();
      RunState state = frozenPruningFirstGroupOfEachBlock(context);

      // As the projection leaves them after the freeze.
      GroupZeroing.zeroPruned(context.graph(), context.groups(), state.frozen().mask());
      run.network.cutWhenReady(context.settings().schedule().controllerEndStep() + 1, state);

      assertThat(run.network.isCut()).isTrue();

      Parameter compressedConv = parameter(run.network.block(), COMPRESSED_CONV);
      // The pruned output channels are the rows the cut set to zero in the dense model.
      float[] zeroedConv = denseConv.getArray().toFloatArray();
      int rowLength = (int) (denseShape[1] * denseShape[2] * denseShape[3]);
      float[] expected = new float[0];
      for (int row = 0; row < denseShape[0]; row++) {
        float[] weights = Arrays.copyOfRange(zeroedConv, row * rowLength, (row + 1) * rowLength);
        boolean kept = false;
        for (float w : weights) {
          kept |= w != 0;
        }
        if (kept) {
          float[] grown = Arrays.copyOf(expected, expected.length + rowLength);
          System.arraycopy(denseMomentum, row * rowLength, grown, expected.length, rowLength);
          expected = grown;
        }
      }
      assertThat(compressedConv.getArray().getShape().get(0)).isLessThan(denseShape[0]);
      assertThat(momentumOf(context, momentumField, compressedConv)).containsExactly(expected);
      Map<String, Integer> counts = DjlInternals.updateCounts(context.settings().optimizer());
      assertThat(counts.get(compressedConv.getId())).isEqualTo(2);
      assertThat(counts).doesNotContainKey(denseConv.getId());
    }
  }

  @Test
  void groupsNotYetAtZeroAfterTheFreezeKeepTheDenseModelTraining() throws IOException {
    try (OpenRun run = OpenRun.of(builder -> builder)) {
      RunState state = frozenPruningFirstGroupOfEachBlock(run.context());

      run.network.cutWhenReady(run.context().settings().schedule().controllerEndStep() + 1, state);

      assertThat(run.network.isCut()).isFalse();
      assertThat(run.network.block()).isSameAs(run.context().model().getBlock());
    }
  }

  @Test
  void threeStepsOfTheCompressedNetworkAreThreeStepsOfTheDenseModelWithItsPrunedGroupsAtZero()
      throws IOException {
    try (NDManager manager = NDManager.newBaseManager();
        OpenRun dense = OpenRun.of(builder -> builder);
        OpenRun swapped = OpenRun.of(builder -> builder)) {
      RunState state = frozenPruningFirstGroupOfEachBlock(dense.context());
      GroupMask mask = state.frozen().mask();
      // Both take two dense steps from the same initial weights on the same batches; then one
      // holds its pruned groups at zero after each step, as the projection does after the freeze,
      // and the other swaps to the compressed network.
      int step = 0;
      for (Batch batch : batchesInOneOrder(dense)) {
        if (step == 2) {
          GroupZeroing.zeroPruned(dense.context().graph(), dense.context().groups(), mask);
        }
        if (step < 5) {
          EasyTrain.trainBatch(dense.trainer, batch);
          dense.trainer.step();
          if (step >= 2) {
            GroupZeroing.zeroPruned(dense.context().graph(), dense.context().groups(), mask);
          }
        }
        batch.close();
        step++;
      }
      step = 0;
      for (Batch batch : batchesInOneOrder(swapped)) {
        if (step == 2) {
          GroupZeroing.zeroPruned(swapped.context().graph(), swapped.context().groups(), mask);
          swapped.network.cutWhenReady(
              swapped.context().settings().schedule().controllerEndStep() + 1, state);
        }
        if (step < 5) {
          EasyTrain.trainBatch(swapped.network.trainer(), batch);
          swapped.network.trainer().step();
        }
        batch.close();
        step++;
      }

      NDArray images = manager.randomUniform(0, 1, new Shape(8, 1, 28, 28));
      try (CompressedModel expected =
          CompressedModel.compress(dense.context().graph(), dense.context().groups(), mask)) {
        assertThat(
                Outputs.maxAbsDifference(
                    Outputs.run(swapped.network.block(), images, manager),
                    Outputs.run(expected.block(), images, manager)))
            .isLessThan(1e-5f);
      }
    }
  }

  /** The run's training batches, shuffled the same way for every run in the JVM. */
  private static Iterable<Batch> batchesInOneOrder(OpenRun run) {
    Engine.getInstance().setRandomSeed(1);
    return Batches.of(run.trainer, run.context().settings().train(), "training");
  }

  private static RunState frozenPruningFirstGroupOfEachBlock(RunContext context) {
    boolean[] keep = new boolean[context.groups().size()];
    Arrays.fill(keep, true);
    context.groups().blocks().forEach(block -> keep[block.firstGroup()] = false);
    GroupMask mask = GroupMask.of(keep);
    RunState state = new RunState(mask);
    state.freeze(new MaskFreeze(mask, null));
    return state;
  }

  private static Parameter parameter(ai.djl.nn.Block block, String name) {
    return block.getParameters().stream()
        .filter(pair -> pair.getKey().endsWith(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no parameter " + name))
        .getValue();
  }

  private static float[] momentumOf(RunContext context, String field, Parameter parameter) {
    return DjlInternals.optimizerArrays(context.settings().optimizer())
        .get(field)
        .get(parameter.getId())
        .values()
        .iterator()
        .next()
        .toFloatArray();
  }
}
