package dev.ato.djl.testing;

import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.RandomAccessDataset;
import dev.ato.djl.AutoTrainOnce;
import dev.ato.djl.AutoTrainOnceBuilder;

/**
 * The run most library tests start from: the README's builder call with only what it requires set
 * (a CIFAR ResNet on 1x28x28 Fashion-MNIST images, half the FLOPs, three epochs), so that every
 * default the README promises is the one under test.
 */
public final class DefaultRuns {

  private DefaultRuns() {}

  /** A builder for {@code CifarNetworks.resNet(depth, 10)} halving its FLOPs over 3 epochs. */
  public static AutoTrainOnceBuilder halvingResNet(int depth, RandomAccessDataset train) {
    return AutoTrainOnce.builder()
        .setBlock(CifarNetworks.resNet(depth, 10))
        .setInputShape(new Shape(1, 1, 28, 28))
        .setTrainingData(train)
        .setFlopsReduction(0.5)
        .setEpochs(3);
  }
}
