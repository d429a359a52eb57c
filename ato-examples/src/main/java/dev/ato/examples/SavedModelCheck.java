package dev.ato.examples;

import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.ato.djl.Scoring;
import dev.ato.djl.export.OnnxExport;
import dev.ato.examples.latency.OnnxSessions;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;

/**
 * Loads a saved compressed network the way a user serves one, through DJL's {@link Criteria} and a
 * {@link Predictor}, or its ONNX file through ONNX Runtime, and scores it on the test data with
 * {@link Scoring}: proof that what was saved is complete. Each is scored with DJL's {@link
 * Accuracy}, as the run scores the masked and compressed networks, so equal networks give equal
 * figures to the last digit.
 */
final class SavedModelCheck {

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
    try (ZooModel<NDList, NDList> model = criteria.loadModel();
        Predictor<NDList, NDList> predictor = model.newPredictor()) {
      // The predictor closes what it is given with its own context, so it gets a copy and the
      // batch keeps its images.
      return Scoring.score(
          images -> predictor.predict(new NDList(images.singletonOrThrow().duplicate())),
          new Accuracy(),
          test);
    } catch (ModelNotFoundException | MalformedModelException | TranslateException e) {
      throw new IOException(
          "the saved network in " + directory + " does not load back: " + e.getMessage(), e);
    }
  }

  /** Top-1 accuracy of the ONNX model {@code onnx} run by ONNX Runtime on {@code test}. */
  static double onnxAccuracy(byte[] onnx, Dataset test) throws IOException {
    int threads = Runtime.getRuntime().availableProcessors();
    OrtEnvironment environment = OnnxSessions.environment(threads);
    try (OrtSession session =
        OnnxSessions.open(onnx, threads, "the compressed network's ONNX file")) {
      return Scoring.score(
          inputs -> {
            NDArray images = inputs.singletonOrThrow();
            try (OnnxTensor input =
                    OnnxTensor.createTensor(
                        environment,
                        FloatBuffer.wrap(images.toFloatArray()),
                        images.getShape().getShape());
                OrtSession.Result result = session.run(Map.of(OnnxExport.INPUT, input))) {
              float[][] logits = (float[][]) result.get(0).getValue();
              return new NDList(images.getManager().create(logits));
            } catch (OrtException e) {
              throw new TranslateException(e.getMessage(), e);
            }
          },
          new Accuracy(),
          test);
    } catch (OrtException | TranslateException e) {
      throw new IOException(
          "the ONNX file of the compressed network does not run in ONNX Runtime: " + e.getMessage(),
          e);
    }
  }
}
