package dev.ato.djl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ato.djl.subnet.CompressedModel;
import dev.ato.djl.testing.CifarNetworks;
import dev.ato.djl.testing.DefaultRuns;
import dev.ato.djl.testing.FashionMnistSlices;
import dev.ato.djl.testing.PrunedModels;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ato on a thread other than the one that started the engine, as a thread pool or a Spark executor
 * runs it. PyTorch's grad mode is per thread and on by default; DJL switches it off only on the
 * thread that starts the engine, and with it on PyTorch refuses in-place writes to parameters.
 */
class OtherThreadsTest {

  @TempDir Path directory;

  /** {@code work} on a new thread, after the engine has started on this one. */
  private static <T> T onAnotherThread(Callable<T> work) throws Exception {
    Engine.getInstance();
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try {
      return thread.submit(work).get();
    } finally {
      thread.shutdownNow();
    }
  }

  @Test
  void aRunOnTheBuildersDefaultsBuildsAndFitsOnAnotherThread() throws Exception {
    try (FashionMnistSlices.Slice train = FashionMnistSlices.train(240, 20)) {
      double reduction =
          onAnotherThread(
              () -> {
                try (AutoTrainOnce ato = DefaultRuns.halvingResNet(8, train).build();
                    AtoResult result = ato.fit()) {
                  return result.flopsReduction();
                }
              });

      assertThat(reduction).isBetween(0.49, 0.51);
    }
  }

  @Test
  void aSavedNetworkLoadsAndFoldsOnAnotherThread() throws Exception {
    Path saved = directory.resolve("model");
    try (NDManager manager = NDManager.newBaseManager();
        CompressedModel compressed =
            PrunedModels.randomlyPruned(
                CifarNetworks.resNet(8, 10), new Shape(2, 1, 28, 28), 5, manager)) {
      compressed.save(saved);
    }

    String form =
        onAnotherThread(
            () -> {
              try (NDManager manager = NDManager.newBaseManager();
                  CompressedModel loaded = CompressedModel.load(saved, manager);
                  CompressedModel inference = loaded.forInference()) {
                return inference.form().toString();
              }
            });

    assertThat(form).isEqualTo("INFERENCE");
  }
}
