package dev.ato.djl.subnet;

import ai.djl.Model;
import ai.djl.nn.Block;
import ai.djl.nn.BlockFactory;
import dev.ato.djl.engine.EngineCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Rebuilds a saved compressed network for DJL's own loading routes: {@code Criteria} finds this
 * factory in the {@code serving.properties} that {@link CompressedModel#save} writes, and {@code
 * Model.load} takes it as the {@code blockFactory} option. The block comes back without parameters;
 * DJL then loads them from the saved parameter file.
 *
 * <pre>{@code
 * Criteria<NDList, NDList> criteria = Criteria.builder()
 *     .setTypes(NDList.class, NDList.class)
 *     .optModelPath(savedDirectory)
 *     .optTranslator(new NoopTranslator())
 *     .build();
 * try (ZooModel<NDList, NDList> model = criteria.loadModel();
 *     Predictor<NDList, NDList> predictor = model.newPredictor()) {
 *   NDList output = predictor.predict(input);
 * }
 * }</pre>
 *
 * <p>Or with a {@code Model} of one's own: {@code model.setBlock(new
 * CompressedBlockFactory().newBlock(model, directory, Map.of())); model.load(directory,
 * CompressedModel.MODEL_NAME);}
 */
public final class CompressedBlockFactory implements BlockFactory {

  private static final long serialVersionUID = 1L;

  /** Made by DJL by reflection, from the class name in {@code serving.properties}. */
  public CompressedBlockFactory() {}

  /**
   * {@inheritDoc}
   *
   * @param modelPath the saved directory, or a file in it
   * @throws IOException when the directory holds no readable architecture
   */
  @Override
  public Block newBlock(Model model, Path modelPath, Map<String, ?> arguments) throws IOException {
    Path directory = Files.isDirectory(modelPath) ? modelPath : modelPath.getParent();
    // A pruned network's channel counts are the ones some CPUs' kernels get wrong.
    EngineCheck.requireCorrect();
    return new SubnetBlock(SavedDirectory.readArchitecture(directory));
  }
}
