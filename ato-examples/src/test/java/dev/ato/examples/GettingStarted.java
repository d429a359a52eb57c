package dev.ato.examples;

// The regions between "[start]" and "[end]" are the code blocks of docs/getting-started.md,
// in order; GettingStartedTest fails when they and the page differ.

// [start]
import ai.djl.Model;
import ai.djl.ModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import dev.ato.djl.AtoResult;
import dev.ato.djl.AutoTrainOnce;
import java.io.IOException;
import java.nio.file.Path;

// [end]

/** The example of docs/getting-started.md, as a user would write it. */
final class GettingStarted {

  private GettingStarted() {}

  // [start]
  /** A small CNN for 28x28 grey images in 10 classes, in plain DJL. */
  static SequentialBlock cnn() {
    return new SequentialBlock()
        .add(
            Conv2d.builder()
                .setKernelShape(new Shape(3, 3))
                .optPadding(new Shape(1, 1))
                .setFilters(32)
                .build())
        .add(BatchNorm.builder().build())
        .add(Activation::relu)
        .add(Pool.maxPool2dBlock(new Shape(2, 2)))
        .add(
            Conv2d.builder()
                .setKernelShape(new Shape(3, 3))
                .optPadding(new Shape(1, 1))
                .setFilters(64)
                .build())
        .add(BatchNorm.builder().build())
        .add(Activation::relu)
        .add(Pool.globalAvgPool2dBlock())
        .add(Linear.builder().setUnits(10).build());
  }

  /**
   * Trains and prunes the CNN on {@code train}, saves the compressed network in {@code output},
   * loads it back through DJL and returns its predicted classes for the first validation batch.
   */
  static long[] prune(RandomAccessDataset train, Dataset validation, Path output)
      throws IOException, ModelException, TranslateException {
    try (Model model = Model.newInstance("fashion-cnn")) {
      model.setBlock(cnn());
      try (AutoTrainOnce ato =
              AutoTrainOnce.builder()
                  .setModel(model)
                  .setInputShape(new Shape(1, 1, 28, 28)) // one batch: N, C, H, W
                  .setTrainingData(train) // 5% is held out for the controller
                  .optValidationData(validation)
                  .setFlopsReduction(0.5) // remove half of the FLOPs
                  .setEpochs(4)
                  .build(); // reads the model, checks everything
          AtoResult result = ato.fit()) {
        System.out.println(result.summary());
        result.compressed().save(output);
      }
    }
    // The saved directory loads without ato's training code, as any DJL model does.
    Criteria<NDList, NDList> criteria =
        Criteria.builder()
            .setTypes(NDList.class, NDList.class)
            .optModelPath(output)
            .optTranslator(new NoopTranslator())
            .build();
    try (ZooModel<NDList, NDList> small = criteria.loadModel();
        Predictor<NDList, NDList> predictor = small.newPredictor();
        NDManager manager = NDManager.newBaseManager()) {
      Batch batch = validation.getData(manager).iterator().next();
      NDList logits = predictor.predict(batch.getData());
      return logits.singletonOrThrow().argMax(1).toLongArray();
    }
  }
  // [end]
}
