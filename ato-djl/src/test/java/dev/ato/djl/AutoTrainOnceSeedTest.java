package dev.ato.djl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ato.djl.testing.CifarNetworks;
import dev.ato.djl.testing.FashionMnistSlices;
import dev.ato.djl.testing.FashionMnistSlices.Slice;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code optSeed} fixes the model's initial weights, whatever the JVM drew before. */
class AutoTrainOnceSeedTest {

  private static Slice train;

  @BeforeAll
  static void readData() throws IOException {
    train = FashionMnistSlices.train(200, 20);
  }

  @AfterAll
  static void freeData() {
    train.close();
  }

  @Test
  void theSameSeedGivesTheSameInitialWeightsAfterOtherRandomWork() {
    List<float[]> first = initialWeights(7);
    try (NDManager other = NDManager.newBaseManager()) {
      // Other work in the same JVM moves the engine's generator on.
      other.randomNormal(new Shape(1000)).toFloatArray();
    }
    List<float[]> second = initialWeights(7);

    assertThat(second).hasSameSizeAs(first);
    for (int i = 0; i < first.size(); i++) {
      assertThat(second.get(i)).as("parameter %s", i).containsExactly(first.get(i));
    }
  }

  @Test
  void anotherSeedGivesOtherInitialWeights() {
    List<float[]> seven = initialWeights(7);
    List<float[]> eight = initialWeights(8);

    // The first convolution's weights: Xavier draws, all different.
    assertThat(eight.get(0)).isNotEqualTo(seven.get(0));
  }

  /** Every parameter of a ResNet-8 as {@code build()} initialised it with {@code seed}. */
  private static List<float[]> initialWeights(long seed) {
    try (AutoTrainOnce ato =
        AutoTrainOnce.builder()
            .setBlock(CifarNetworks.resNet(8, 10))
            .setInputShape(new Shape(1, 1, 28, 28))
            .setTrainingData(train)
            .setFlopsReduction(0.5)
            .setEpochs(1)
            .optSeed(seed)
            .build()) {
      List<float[]> weights = new ArrayList<>();
      ato.model()
          .getBlock()
          .getParameters()
          .values()
          .forEach(parameter -> weights.add(parameter.getArray().toFloatArray()));
      return weights;
    }
  }
}
