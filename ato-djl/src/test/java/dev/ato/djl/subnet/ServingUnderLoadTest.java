package dev.ato.djl.subnet;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.onnxruntime.OrtSession;
import dev.ato.djl.export.OnnxExport;
import dev.ato.djl.testing.CifarNetworks;
import dev.ato.djl.testing.ManagedTest;
import dev.ato.djl.testing.OnnxRuntimes;
import dev.ato.djl.testing.PrunedModels;
import dev.ato.djl.testing.SavedModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compressed network served as a service serves it: four threads predicting at once, in DJL
 * through {@code Predictor}s of the saved inference form (one per thread, as DJL's are not
 * thread-safe) and in ONNX Runtime through one session they share. Every answer equals the one a
 * single thread gets for the same input, and the process's resident memory stays flat once the
 * first rounds are done. The soak profile runs 4 threads x 2,000 predictions per runtime.
 */
class ServingUnderLoadTest extends ManagedTest {

  private static final int THREADS = 4;
  private static final int INPUTS = 16;
  private static final Shape ONE = new Shape(1, 1, 28, 28);

  /** How much the resident memory may grow from the end of the first round to the last. */
  private static final long RESIDENT_SLACK = 48L << 20;

  @TempDir Path directory;

  @Test
  void fourThreadsServeTwoHundredPredictionsEachAsOneThreadWouldWithMemoryFlat() throws Exception {
    assertServesUnderLoad(200, 4);
  }

  @Test
  @Tag("soak")
  void fourThreadsServeTwoThousandPredictionsEachAsOneThreadWouldWithMemoryFlat() throws Exception {
    assertServesUnderLoad(2000, 10);
  }

  /** Each thread predicts {@code predictions} times per runtime, in {@code rounds} rounds. */
  private void assertServesUnderLoad(int predictions, int rounds) throws Exception {
    Path saved = directory.resolve("model");
    CompressedModel compressed =
        PrunedModels.randomlyPruned(
            CifarNetworks.resNet(8, 10), new Shape(2, 1, 28, 28), 5, manager);
    byte[] onnx;
    try (CompressedModel inference = compressed.forInference()) {
      inference.save(saved);
      onnx = OnnxExport.of(inference).toByteArray();
    }
    float[][] inputs = new float[INPUTS][(int) ONE.size()];
    SplittableRandom random = new SplittableRandom(9);
    for (float[] input : inputs) {
      for (int i = 0; i < input.length; i++) {
        input[i] = (float) random.nextGaussian();
      }
    }
    Criteria<NDList, NDList> criteria = SavedModels.criteria(saved, "PyTorch");
    try (ZooModel<NDList, NDList> model = criteria.loadModel();
        OrtSession session = OnnxRuntimes.session(onnx)) {
      float[][] djlAlone = new float[INPUTS][];
      float[][] onnxAlone = new float[INPUTS][];
      try (Predictor<NDList, NDList> predictor = model.newPredictor()) {
        for (int i = 0; i < INPUTS; i++) {
          djlAlone[i] = predict(predictor, inputs[i]);
          onnxAlone[i] = OnnxRuntimes.run(session, inputs[i], ONE.getShape());
        }
      }
      List<Long> resident = new ArrayList<>();
      List<String> wrong = new ArrayList<>();
      ExecutorService threads = Executors.newFixedThreadPool(THREADS);
      try {
        for (int round = 0; round < rounds; round++) {
          int perRound = predictions / rounds;
          List<Future<List<String>>> done = new ArrayList<>();
          for (int t = 0; t < THREADS; t++) {
            int thread = t;
            done.add(
                threads.submit(
                    () -> serve(model, session, inputs, djlAlone, onnxAlone, perRound, thread)));
          }
          for (Future<List<String>> result : done) {
            wrong.addAll(result.get(5, TimeUnit.MINUTES));
          }
          System.gc();
          resident.add(residentBytes());
        }
      } finally {
        threads.shutdownNow();
      }
      System.out.println(
          "serving: resident MB after each round "
              + resident.stream().map(r -> String.format(Locale.ROOT, "%.1f", r / 1e6)).toList());
      assertThat(wrong).isEmpty();
      assertThat(resident.get(resident.size() - 1) - resident.get(0))
          .as("resident bytes after each round: %s", resident)
          .isLessThan(RESIDENT_SLACK);
    }
  }

  /** One thread's share: its own predictor, the shared session; every answer checked. */
  private static List<String> serve(
      ZooModel<NDList, NDList> model,
      OrtSession session,
      float[][] inputs,
      float[][] djlAlone,
      float[][] onnxAlone,
      int predictions,
      int thread)
      throws Exception {
    List<String> wrong = new ArrayList<>();
    try (Predictor<NDList, NDList> predictor = model.newPredictor()) {
      for (int p = 0; p < predictions; p++) {
        int i = (p + thread * 5) % INPUTS;
        if (!Arrays.equals(predict(predictor, inputs[i]), djlAlone[i])) {
          wrong.add("thread " + thread + ", DJL, input " + i + ": not what one thread got");
        }
        if (!Arrays.equals(OnnxRuntimes.run(session, inputs[i], ONE.getShape()), onnxAlone[i])) {
          wrong.add(
              "thread " + thread + ", ONNX Runtime, input " + i + ": not what one thread " + "got");
        }
      }
    }
    return wrong;
  }

  private static float[] predict(Predictor<NDList, NDList> predictor, float[] input)
      throws Exception {
    try (NDManager scope = NDManager.newBaseManager()) {
      NDList output = predictor.predict(new NDList(scope.create(input, ONE)));
      float[] values = output.head().toFloatArray();
      output.close();
      return values;
    }
  }

  /** VmRSS of this process, from /proc/self/status. */
  private static long residentBytes() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }
}
