package dev.ato.djl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;
import dev.ato.djl.testing.CifarNetworks;
import dev.ato.djl.testing.NoiseImages;
import dev.ato.storage.Checkpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The memory soak: over 5,000 steps with the builder's defaults, checkpoints every 5 epochs,
 * projection and controller updates, the live NDArrays, the JVM heap after a collection and the
 * process's resident memory stay flat. Minutes, so behind {@code -Psoak}; docs/reliability.md has
 * the command and its last result.
 */
@Tag("soak")
class MemorySoakTest {

  private record Sample(long step, int liveArrays, long heapAfterGc, long residentBytes) {}

  @Test
  void fiveThousandStepsKeepArraysHeapAndResidentMemoryFlat(@TempDir Path checkpoints)
      throws IOException {
    List<Sample> samples = new ArrayList<>();
    try (NDManager manager = NDManager.newBaseManager();
        Model model = Model.newInstance("memory")) {
      // 95 steps an epoch, 53 epochs: 5,035 steps.
      ArrayDataset data = NoiseImages.of(manager);
      model.setBlock(CifarNetworks.resNet(8, 3, 4));
      try (AutoTrainOnce ato =
              AutoTrainOnce.builder()
                  .setModel(model)
                  .setInputShape(new Shape(1, 1, 8, 8))
                  .setTrainingData(data)
                  .setFlopsReduction(0.3)
                  .setEpochs(53)
                  .optCheckpoints(Checkpoints.in(checkpoints).optEveryEpochs(5).build())
                  .addListener(
                      new AtoListener() {
                        @Override
                        public void onStep(StepInfo step) {
                          if (step.step() % 500 == 0 || step.step() == step.totalSteps() - 1) {
                            System.gc();
                            Runtime runtime = Runtime.getRuntime();
                            samples.add(
                                new Sample(
                                    step.step(),
                                    step.liveArrays(),
                                    runtime.totalMemory() - runtime.freeMemory(),
                                    residentBytes()));
                          }
                        }
                      })
                  .build();
          AtoResult ignored = ato.fit()) {
        assertThat(ato.totalSteps()).isGreaterThanOrEqualTo(5000);
      }
    }
    System.out.println("memory soak: step, live arrays, heap after GC (MB), resident (MB)");
    samples.forEach(
        s ->
            System.out.printf(
                Locale.ROOT,
                "memory soak: %d, %d, %.1f, %.1f%n",
                s.step(),
                s.liveArrays(),
                s.heapAfterGc() / 1e6,
                s.residentBytes() / 1e6));
    // From step 1000 on, every kind of step (projection, controller, frozen mask) has run.
    List<Sample> steady = samples.stream().filter(s -> s.step() >= 1000).toList();
    Sample first = steady.get(0);
    Sample last = steady.get(steady.size() - 1);
    assertThat(steady).extracting(Sample::liveArrays).containsOnly(first.liveArrays());
    assertThat((double) last.heapAfterGc()).isLessThan(1.10 * first.heapAfterGc());
    assertThat((double) last.residentBytes()).isLessThan(1.05 * first.residentBytes());
  }

  /** VmRSS of this process, from /proc/self/status. */
  private static long residentBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return 1024 * Long.parseLong(line.replaceAll("\\D+", ""));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc/self/status", e);
    }
    throw new IllegalStateException("/proc/self/status has no VmRSS line");
  }
}
