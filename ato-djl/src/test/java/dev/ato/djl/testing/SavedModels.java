package dev.ato.djl.testing;

import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.Criteria;
import ai.djl.translate.NoopTranslator;
import java.nio.file.Path;

/** Loading saved networks as a DJL user does: through {@code Criteria}, arrays in and out. */
public final class SavedModels {

  private SavedModels() {}

  /** The criteria of the model at {@code path} for {@code engine}, with no translation. */
  public static Criteria<NDList, NDList> criteria(Path path, String engine) {
    return Criteria.builder()
        .setTypes(NDList.class, NDList.class)
        .optModelPath(path)
        .optEngine(engine)
        .optTranslator(new NoopTranslator())
        .build();
  }
}
