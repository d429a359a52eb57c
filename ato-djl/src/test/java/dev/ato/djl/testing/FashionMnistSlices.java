package dev.ato.djl.testing;

import ai.djl.training.dataset.Dataset;
import dev.ato.djl.data.FashionMnist;
import dev.ato.djl.data.IdxImageDataset;
import java.io.IOException;

/** Normalised slices of Debian's Fashion-MNIST for the tests that train. */
public final class FashionMnistSlices {

  private FashionMnistSlices() {}

  /** The first {@code limit} training images, shuffled into batches of {@code batch}. */
  public static IdxImageDataset train(int limit, int batch) throws IOException {
    return FashionMnist.builder(Dataset.Usage.TRAIN).optLimit(limit)
        .optNormalization(FashionMnist.MEAN, FashionMnist.STD).setSampling(batch, true).build();
  }

  /** The first {@code limit} test images, in batches of 250. */
  public static IdxImageDataset test(int limit) throws IOException {
    return FashionMnist.builder(Dataset.Usage.TEST).optLimit(limit)
        .optNormalization(FashionMnist.MEAN, FashionMnist.STD).setSampling(250, false).build();
  }
}
