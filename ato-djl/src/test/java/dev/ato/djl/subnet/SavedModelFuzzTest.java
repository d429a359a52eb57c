package dev.ato.djl.subnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.ato.djl.tensor.RandomArrays;
import dev.ato.djl.testing.CifarNetworks;
import dev.ato.djl.testing.ManagedTest;
import dev.ato.djl.testing.Outputs;
import dev.ato.djl.testing.PrunedModels;
import dev.ato.djl.testing.SavedModels;
import dev.ato.storage.Checksums;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged copies of a saved compressed network, loaded with {@link CompressedModel#load} and run
 * once: a byte flipped, a file cut short or deleted, a layer's field set to a huge, negative or
 * zero value, layers or their inputs swapped. A damaged file is always a clear error (an {@link
 * IllegalArgumentException} naming the directory's file), never a network that loads; a description
 * changed on purpose, its checksums written again, is a clear error or a network that runs, and
 * never a native crash, a failure inside libtorch or an allocation out of bounds.
 */
class SavedModelFuzzTest extends ManagedTest {

  private static final Shape INPUT = new Shape(2, 1, 28, 28);
  private static final List<String> FILES =
      List.of(
          CompressedModel.ARCHITECTURE_FILE,
          CompressedModel.PARAMETER_FILE,
          CompressedModel.SERVING_PROPERTIES,
          Checksums.FILE_NAME);
  private static final long[] EXTREMES = {
    -1, 0, 1 << 20, Integer.MAX_VALUE, Integer.MIN_VALUE, 1_048_576, 65_536, 3
  };

  @TempDir Path temp;

  @Test
  void twoHundredAndFortyDamagedCopiesAreEachAClearErrorOrARunningNetwork() throws IOException {
    assertEveryCaseIsHandled(240, 1);
  }

  @Test
  @Tag("soak")
  void threeThousandDamagedCopiesAreEachAClearErrorOrARunningNetwork() throws IOException {
    assertEveryCaseIsHandled(3000, 2);
  }

  @Test
  void aDamagedParameterFileIsRefusedThroughDjlsCriteriaToo() throws Exception {
    Path saved = saved();
    flip(saved.resolve(CompressedModel.PARAMETER_FILE), 500, 0x10);
    Criteria<NDList, NDList> criteria = SavedModels.criteria(saved, "PyTorch");

    assertThatThrownBy(criteria::loadModel)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            saved.resolve(CompressedModel.PARAMETER_FILE)
                + " does not match its checksum in checksums.sha256: "
                + "the file is damaged or was changed after it was saved; save it again");
  }

  @Test
  void aHugePaddingWithItsChecksumWrittenAgainIsRefusedNamingTheLayerAndTheField()
      throws IOException {
    Path saved = saved();
    Path architecture = saved.resolve(CompressedModel.ARCHITECTURE_FILE);
    JsonObject json = JsonParser.parseString(Files.readString(architecture)).getAsJsonObject();
    JsonObject conv =
        json.getAsJsonArray("nodes").get(1).getAsJsonObject().getAsJsonObject("layer");
    conv.addProperty("padH", 1_048_576);
    Files.writeString(architecture, json.toString());
    resign(saved);

    assertThatThrownBy(() -> CompressedModel.load(saved, manager))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "layer '01Conv2d' (conv2d): padH is 1,048,576, more than any " + "network has");
  }

  @Test
  void aNegativeKernelIsRefusedNamingTheLayerRatherThanAConstructor() throws IOException {
    Path saved = saved();
    Path architecture = saved.resolve(CompressedModel.ARCHITECTURE_FILE);
    JsonObject json = JsonParser.parseString(Files.readString(architecture)).getAsJsonObject();
    json.getAsJsonArray("nodes")
        .get(1)
        .getAsJsonObject()
        .getAsJsonObject("layer")
        .addProperty("kernelH", -3);
    Files.writeString(architecture, json.toString());
    resign(saved);

    assertThatThrownBy(() -> CompressedModel.load(saved, manager))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("layer '01Conv2d': kernel must be positive, found -3x3")
        .hasMessageNotContaining("Failed to invoke constructor");
  }

  /** A compressed CIFAR ResNet-8 saved in a directory of its own. */
  private Path saved() {
    Path directory = temp.resolve("saved-" + System.nanoTime());
    PrunedModels.randomlyPruned(CifarNetworks.resNet(8, 10), INPUT, 3, manager).save(directory);
    return directory;
  }

  private void assertEveryCaseIsHandled(int cases, long seed) throws IOException {
    Path original = saved();
    SplittableRandom random = new SplittableRandom(seed);
    NDArray x = RandomArrays.gaussian(manager, INPUT, 1, new SplittableRandom(seed));
    List<String> wrong = new ArrayList<>();
    int refused = 0;
    for (int i = 0; i < cases; i++) {
      Path copy = temp.resolve("case-" + i);
      copyDirectory(original, copy);
      Mutation mutation = mutate(copy, random);
      try (NDManager scope = manager.newSubManager()) {
        CompressedModel loaded = CompressedModel.load(copy, scope);
        float[] y = Outputs.run(loaded.block(), x, scope);
        if (!mutation.resigned()) {
          wrong.add(mutation + ": loaded without a word (" + y.length + " outputs)");
        }
      } catch (IllegalArgumentException | IllegalStateException e) {
        refused++;
        if (e.getMessage() == null
            || (!e.getMessage().contains(copy.toString()) && !e.getMessage().contains("layer '"))) {
          wrong.add(mutation + ": an error that names neither the file nor the layer: " + e);
        }
      } catch (RuntimeException e) {
        wrong.add(mutation + ": " + e);
      } finally {
        deleteDirectory(copy);
      }
    }
    assertThat(wrong).as("%s of %s cases refused", refused, cases).isEmpty();
    assertThat(refused).isGreaterThan(cases / 2);
  }

  /** What was done to a copy, and whether its checksums were written again afterwards. */
  private record Mutation(String what, boolean resigned) {
    @Override
    public String toString() {
      return what + (resigned ? " (checksums written again)" : "");
    }
  }

  private Mutation mutate(Path copy, SplittableRandom random) throws IOException {
    String file = FILES.get(random.nextInt(FILES.size()));
    Path target = copy.resolve(file);
    switch (random.nextInt(6)) {
      case 0, 1 -> {
        long at = random.nextLong(Files.size(target));
        int mask = 1 + random.nextInt(255);
        flip(target, at, mask);
        return new Mutation("byte " + at + " of " + file + " xor " + mask, false);
      }
      case 2 -> {
        long size = random.nextLong(Files.size(target));
        try (var channel = Files.newByteChannel(target, java.nio.file.StandardOpenOption.WRITE)) {
          channel.truncate(size);
        }
        return new Mutation(file + " cut to " + size + " bytes", false);
      }
      case 3 -> {
        Files.delete(target);
        return new Mutation(file + " deleted", false);
      }
      case 4 -> {
        String what = setField(copy, random);
        resign(copy);
        return new Mutation(what, true);
      }
      default -> {
        String what = swapLayers(copy, random);
        resign(copy);
        return new Mutation(what, true);
      }
    }
  }

  /** Sets a random numeric field of a random layer to an extreme value. */
  private static String setField(Path copy, SplittableRandom random) throws IOException {
    Path architecture = copy.resolve(CompressedModel.ARCHITECTURE_FILE);
    JsonObject json = JsonParser.parseString(Files.readString(architecture)).getAsJsonObject();
    JsonArray nodes = json.getAsJsonArray("nodes");
    for (int attempt = 0; attempt < 100; attempt++) {
      JsonObject node = nodes.get(random.nextInt(nodes.size())).getAsJsonObject();
      JsonObject layer = node.getAsJsonObject("layer");
      JsonObject holder = layer.has("shape") ? layer.getAsJsonObject("shape") : layer;
      List<String> numeric = new ArrayList<>();
      holder
          .entrySet()
          .forEach(
              e -> {
                if (e.getValue().isJsonPrimitive()
                    && e.getValue().getAsJsonPrimitive().isNumber()) {
                  numeric.add(e.getKey());
                }
              });
      if (numeric.isEmpty()) {
        continue;
      }
      String field = numeric.get(random.nextInt(numeric.size()));
      long value = EXTREMES[random.nextInt(EXTREMES.length)];
      holder.add(field, new JsonPrimitive(value));
      Files.writeString(architecture, json.toString(), StandardCharsets.UTF_8);
      return "layer '" + node.get("name").getAsString() + "' " + field + " = " + value;
    }
    throw new IllegalStateException("no numeric field found");
  }

  /** Swaps two layers' kinds, or two layers' inputs. */
  private static String swapLayers(Path copy, SplittableRandom random) throws IOException {
    Path architecture = copy.resolve(CompressedModel.ARCHITECTURE_FILE);
    JsonObject json = JsonParser.parseString(Files.readString(architecture)).getAsJsonObject();
    JsonArray nodes = json.getAsJsonArray("nodes");
    int a = 1 + random.nextInt(nodes.size() - 1);
    int b = 1 + random.nextInt(nodes.size() - 1);
    String field = random.nextBoolean() ? "layer" : "inputs";
    JsonElement first = nodes.get(a).getAsJsonObject().get(field);
    nodes.get(a).getAsJsonObject().add(field, nodes.get(b).getAsJsonObject().get(field));
    nodes.get(b).getAsJsonObject().add(field, first);
    Files.writeString(architecture, json.toString(), StandardCharsets.UTF_8);
    return "the " + field + " of layers " + a + " and " + b + " swapped";
  }

  private static void resign(Path directory) throws IOException {
    Checksums.write(directory, CompressedModel.SAVED_FILES);
  }

  private static void flip(Path file, long at, int mask) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    bytes[(int) at] ^= (byte) mask;
    Files.write(file, bytes);
  }

  private static void copyDirectory(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path file : files.toList()) {
        Files.copy(file, to.resolve(file.getFileName()));
      }
    }
  }

  private static void deleteDirectory(Path directory) {
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
      Files.delete(directory);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
