package dev.ato.djl.subnet;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ato.djl.engine.EngineCheck;
import dev.ato.storage.Checksums;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A compressed network's saved directory: what {@link CompressedModel#save} writes and {@link
 * CompressedModel#load} (and DJL's loaders, through {@link CompressedBlockFactory}) read back,
 * every file checked against its checksum and the architecture against {@link ArchitectureLimits}
 * before anything is allocated.
 */
final class SavedDirectory {

  /** The first architecture format whose directories carry a checksum manifest. */
  private static final int CHECKSUMMED_VERSION = 3;

  private static final Logger LOG = LoggerFactory.getLogger(SavedDirectory.class);

  private SavedDirectory() {}

  /**
   * Writes {@code block} into {@code directory}, creating it if needed.
   *
   * @throws UncheckedIOException when writing fails
   */
  static void write(SubnetBlock block, Path directory) {
    try {
      Files.createDirectories(directory);
      Files.writeString(
          directory.resolve(CompressedModel.ARCHITECTURE_FILE),
          block.spec().toJson(),
          StandardCharsets.UTF_8);
      Files.writeString(
          directory.resolve(CompressedModel.SERVING_PROPERTIES),
          "# Written by ato: DJL's "
              + "Criteria and Model.load rebuild the network with this factory.\n"
              + "blockFactory="
              + CompressedBlockFactory.class.getName()
              + "\n"
              + "option.modelName="
              + CompressedModel.MODEL_NAME
              + "\n",
          StandardCharsets.UTF_8);
      try (Model model = Model.newInstance(CompressedModel.MODEL_NAME)) {
        model.setBlock(block);
        model.save(directory, CompressedModel.MODEL_NAME);
      }
      Checksums.write(directory, CompressedModel.SAVED_FILES);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the compressed model to " + directory, e);
    }
  }

  /**
   * Reads the network saved in {@code directory}; its parameters belong to {@code manager}.
   *
   * @throws IllegalArgumentException when the directory does not hold a saved model, or holds a
   *     damaged architecture, truncated parameters or parameters of another network
   */
  static SubnetBlock read(Path directory, NDManager manager) {
    Path parameters = directory.resolve(CompressedModel.PARAMETER_FILE);
    String misfit =
        "the parameters in "
            + parameters
            + " cannot be read with the architecture in "
            + directory.resolve(CompressedModel.ARCHITECTURE_FILE);
    try (Model model = Model.newInstance(CompressedModel.MODEL_NAME, manager.getDevice())) {
      SubnetBlock block = new SubnetBlock(readArchitecture(directory));
      // DJL's reader takes whatever shapes the file holds: the architecture's own are checked
      // after it, so that parameters of another network are an error and not a wrong model.
      Map<String, Shape> expected = parameterShapes(block, model.getNDManager());
      model.setBlock(block);
      model.load(directory, CompressedModel.MODEL_NAME);
      for (var pair : block.getParameters()) {
        Shape found = pair.getValue().getArray().getShape();
        checkArgument(
            found.equals(expected.get(pair.getKey())),
            "%s: parameter %s has shape %s "
                + "where the architecture needs %s; save the network again",
            misfit,
            pair.getKey(),
            found,
            expected.get(pair.getKey()));
      }
      block.getParameters().values().forEach(p -> p.getArray().attach(manager));
      CompressedModel.keepOutOfScopes(block);
      // A pruned network's channel counts are the ones some CPUs' kernels get wrong.
      EngineCheck.requireCorrect();
      return block;
    } catch (MalformedModelException e) {
      throw new IllegalArgumentException(misfit + ": " + e.getMessage(), e);
    } catch (IOException e) {
      // Model.load reports a truncated file as an end of stream, with no more to say.
      throw new IllegalArgumentException(
          misfit
              + " ("
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : ": " + e.getMessage())
              + "): the file is truncated or "
              + "damaged; save the network again",
          e);
    }
  }

  /** The shape of every parameter of {@code block} for its architecture, by name. */
  private static Map<String, Shape> parameterShapes(SubnetBlock block, NDManager scratch) {
    SubnetBlock probe = new SubnetBlock(block.spec());
    Map<String, Shape> shapes = new HashMap<>();
    try (NDManager arrays = scratch.newSubManager()) {
      probe.initialize(arrays, DataType.FLOAT32, CompressedModel.inputShapeOf(probe));
      probe
          .getParameters()
          .forEach(pair -> shapes.put(pair.getKey(), pair.getValue().getArray().getShape()));
    }
    return shapes;
  }

  /**
   * The architecture saved in {@code directory}, once every file of the directory matches its
   * checksum and the architecture lies within {@link ArchitectureLimits}, its parameters within
   * what the parameter file can hold: what both loading routes ({@link CompressedModel#load} and
   * DJL's through {@link CompressedBlockFactory}) read before they allocate anything.
   *
   * @throws IllegalArgumentException naming the file, and in the architecture the layer and field,
   *     when the directory is incomplete, damaged or out of bounds
   */
  static SubnetSpec readArchitecture(Path directory) throws IOException {
    Path architecture = directory.resolve(CompressedModel.ARCHITECTURE_FILE);
    Path parameters = directory.resolve(CompressedModel.PARAMETER_FILE);
    for (Path file : List.of(architecture, parameters)) {
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException(
            directory + " holds no saved compressed model: " + file + " is missing");
      }
    }
    Optional<List<String>> checked = Checksums.verify(directory);
    List<String> unlisted =
        checked
            .map(
                listed ->
                    List.of(CompressedModel.ARCHITECTURE_FILE, CompressedModel.PARAMETER_FILE)
                        .stream()
                        .filter(f -> !listed.contains(f))
                        .toList())
            .orElse(List.of());
    if (!unlisted.isEmpty()) {
      throw new IllegalArgumentException(
          directory.resolve(Checksums.FILE_NAME)
              + " does not "
              + "list "
              + unlisted
              + ": the directory is damaged; save the network again");
    }
    SubnetSpec spec;
    try {
      spec = SubnetSpec.fromJson(Files.readString(architecture, StandardCharsets.UTF_8));
      long values = ArchitectureLimits.check(spec);
      if (values > Files.size(parameters) / Float.BYTES) {
        throw new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "its layers hold %,d " + "parameters, more than the %,d bytes of %s can",
                values,
                Files.size(parameters),
                parameters.getFileName()));
      }
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      throw new IllegalArgumentException(
          architecture
              + " is not a compressed model's "
              + "architecture ("
              + e.getMessage()
              + "): save the network again",
          e);
    }
    if (checked.isEmpty()) {
      if (spec.formatVersion() >= CHECKSUMMED_VERSION) {
        throw new IllegalArgumentException(
            directory.resolve(Checksums.FILE_NAME)
                + " is "
                + "missing: a network saved by this version of ato has one, so the directory is "
                + "incomplete; save the network again");
      }
      LOG.warn(
          "{} was saved before ato kept checksums (format version {}): a damaged file "
              + "there cannot be told from a good one; save the network again to add them",
          directory,
          spec.formatVersion());
    }
    return spec;
  }
}
