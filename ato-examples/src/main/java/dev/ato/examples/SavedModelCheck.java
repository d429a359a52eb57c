package dev.ato.examples;

import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Loads a saved compressed network the way a DJL user serves one, through {@link Criteria} and
 * a {@link Predictor}, and scores it on the test data: proof that what was saved is complete.
 */
final class SavedModelCheck {

  private static final String ACCUMULATOR = "reloaded";

  private SavedModelCheck() {}

  /** Top-1 accuracy of the network saved in {@code directory} on {@code test}. */
  static double accuracy(Path directory, Dataset test) throws IOException {
    Criteria<NDList, NDList> criteria = Criteria.builder()
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
      throw new IOException("the saved network in " + directory + " does not load back: "
          + e.getMessage(), e);
    }
    return accuracy.getAccumulator(ACCUMULATOR);
  }
}
