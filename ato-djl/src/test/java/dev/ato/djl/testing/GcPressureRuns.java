package dev.ato.djl.testing;

import ai.djl.ndarray.types.Shape;
import dev.ato.djl.AtoListener;
import dev.ato.djl.AtoResult;
import dev.ato.djl.AutoTrainOnce;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Short runs with the builder's defaults, but the controller at every step of its window (many
 * updates, each a gated forward and backward pass), while a thread forces a garbage collection
 * every 20 ms. Memory that a tensor still uses but no Java object keeps alive is freed by a
 * collection; collections in the middle of steps turn such a use-after-free, rare in a quiet JVM,
 * into a frequent one. Before the fix of docs/djl-notes.md ("Java numbers in autograd"), 4 of 4
 * such runs met a non-finite controller gradient.
 */
public final class GcPressureRuns {

  private GcPressureRuns() {}

  /** What the runs with seeds 1 to {@code runs} skipped, as "seed S step N"; and their count. */
  public record Outcome(int updates, List<String> skipped) {}

  /**
   * Runs a ResNet-8 on 600 Fashion-MNIST images in batches of 64 for 2 epochs (18 steps, a
   * controller update at every one of steps 1 to 9) once per seed.
   */
  public static Outcome run(int runs) throws IOException {
    List<String> skipped = new ArrayList<>();
    int updates = 0;
    ScheduledExecutorService collector =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "gc-pressure");
              thread.setDaemon(true);
              return thread;
            });
    ScheduledFuture<?> collecting =
        collector.scheduleAtFixedRate(System::gc, 0, 20, TimeUnit.MILLISECONDS);
    try (FashionMnistSlices.Slice train = FashionMnistSlices.train(600, 64)) {
      for (int seed = 1; seed <= runs; seed++) {
        List<AtoListener.ControllerUpdate> seen = new ArrayList<>();
        try (AutoTrainOnce ato =
                AutoTrainOnce.builder()
                    .setBlock(CifarNetworks.resNet(8, 10))
                    .setInputShape(new Shape(1, 1, 28, 28))
                    .setTrainingData(train)
                    .setFlopsReduction(0.5)
                    .setEpochs(2)
                    .optControllerInterval(1)
                    .optControllerLearningRate(1e-2)
                    .optSeed(seed)
                    .addListener(
                        new AtoListener() {
                          @Override
                          public void onControllerUpdate(ControllerUpdate update) {
                            seen.add(update);
                          }
                        })
                    .build();
            AtoResult ignored = ato.fit()) {
          updates += seen.size();
          for (AtoListener.ControllerUpdate update : seen) {
            if (!update.applied()) {
              skipped.add("seed " + seed + " step " + update.step());
            }
          }
        }
      }
    } finally {
      collecting.cancel(false);
      collector.shutdownNow();
    }
    return new Outcome(updates, skipped);
  }
}
