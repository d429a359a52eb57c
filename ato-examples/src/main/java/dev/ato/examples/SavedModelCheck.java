package dev.ato.examples;

import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.ato.djl.export.OnnxExport;
import dev.ato.examples.latency.OnnxSessions;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;

/**
 * Loads a saved compressed network the way a user serves one, through DJL's {@link Criteria} and a
 * {@link Predictor}, or its ONNX file through ONNX Runtime, and scores it on the test data: proof
 * that what was saved is complete.
 */
final class SavedModelCheck {

  private static final String ACCUMULATOR = "reloaded";

  private SavedModelCheck() {}

  /** Top-1 accuracy of the network saved in {@code directory} on {@code test}. */
  static double accuracy(Path directory, Dataset test) throws IOException {
    Criteria<NDList, NDList> criteria =
        Criteria.builder()
            .setTypes(NDList.class, NDList.class)
            .optModelPath(directory)
            .optEngine("PyTorch")
            .optTranslator(new NoopTranslator())
            .build();
    Accuracy accuracy = new Accuracy();
    accuracy.addAccumulator(ACCUMULATOR);
    try (ZooModel<NDList, NDList> model = criteria.loadModel();
        Predictor<NDList, NDList> predictor = model.newPredictor();
        NDManager manager = NDManager.newBaseManager()) {
      for (Batch batch : test.getData(manager)) {
        try (batch) {
          NDArray images = batch.getData().singletonOrThrow();
          NDList logits = predictor.predict(new NDList(images.duplicate()));
          accuracy.updateAccumulator(ACCUMULATOR, batch.getLabels(), logits);
          logits.close();
        }
      }
    } catch (ModelNotFoundException | MalformedModelException | TranslateException e) {
      throw new IOException(
          "the saved network in " + directory + " does not load back: " + e.getMessage(), e);
    }
    return accuracy.getAccumulator(ACCUMULATOR);
  }

  /** Top-1 accuracy of the ONNX model {@code onnx} run by ONNX Runtime on {@code test}. */
  static double onnxAccuracy(byte[] onnx, Dataset test) throws IOException {
    int threads = Runtime.getRuntime().availableProcessors();
    OrtEnvironment environment = OnnxSessions.environment(threads);
    long correct = 0;
    long total = 0;
    try (OrtSession session =
            OnnxSessions.open(onnx, threads, "the compressed network's ONNX " + "file");
        NDManager manager = NDManager.newBaseManager()) {
      for (Batch batch : test.getData(manager)) {
        try (batch) {
          NDArray images = batch.getData().singletonOrThrow();
          float[] labels =
              batch.getLabels().singletonOrThrow().toType(DataType.FLOAT32, false).toFloatArray();
          try (OnnxTensor input =
                  OnnxTensor.createTensor(
                      environment,
                      FloatBuffer.wrap(images.toFloatArray()),
                      images.getShape().getShape());
              OrtSession.Result result = session.run(Map.of(OnnxExport.INPUT, input))) {
            float[][] logits = (float[][]) result.get(0).getValue();
            for (int i = 0; i < logits.length; i++) {
              correct += argMax(logits[i]) == (int) labels[i] ? 1 : 0;
            }
            total += logits.length;
          }
        }
      }
    } catch (OrtException | TranslateException e) {
      throw new IOException(
          "the ONNX file of the compressed network does not run in ONNX "
              + "Runtime: "
              + e.getMessage(),
          e);
    }
    return (double) correct / total;
  }

  private static int argMax(float[] values) {
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      if (values[i] > values[best]) {
        best = i;
      }
    }
    return best;
  }
}
