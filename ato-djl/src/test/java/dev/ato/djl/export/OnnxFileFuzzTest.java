package dev.ato.djl.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.ato.djl.subnet.CompressedModel;
import dev.ato.djl.testing.CifarNetworks;
import dev.ato.djl.testing.ManagedTest;
import dev.ato.djl.testing.OnnxRuntimes;
import dev.ato.djl.testing.PrunedModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged copies of an exported {@code model.onnx} (the inference form of a compressed ResNet-8): a
 * byte flipped, a run of bytes zeroed, the file cut short. {@link OnnxExport#verify} refuses every
 * one, naming the file; ONNX Runtime, given the same bytes, refuses them or runs them, and never
 * takes the JVM down.
 */
class OnnxFileFuzzTest extends ManagedTest {

  private static final Shape INPUT = new Shape(2, 1, 28, 28);

  @TempDir Path temp;

  @Test
  void anUntouchedFileVerifiesAndGivesItsMetadata() throws IOException {
    Path file = exported();

    assertThat(OnnxExport.verify(file))
        .containsKey(OnnxExport.FLOPS_AFTER)
        .containsKey(OnnxExport.CHECKSUM);
  }

  @Test
  void aFileOfAnotherKindIsNotAnOnnxModel() throws IOException {
    Path file = Files.writeString(temp.resolve("notes.onnx"), "not a model at all");

    assertThatThrownBy(() -> OnnxExport.verify(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(file + " is not an ONNX model");
  }

  @Test
  void twoHundredDamagedFilesAreRefusedByVerifyAndNeverCrashOnnxRuntime() throws IOException {
    assertEveryCaseIsHandled(200, 1);
  }

  @Test
  @Tag("soak")
  void twoThousandDamagedFilesAreRefusedByVerifyAndNeverCrashOnnxRuntime() throws IOException {
    assertEveryCaseIsHandled(2000, 2);
  }

  private Path exported() {
    Path file = temp.resolve("model-" + System.nanoTime() + ".onnx");
    CompressedModel compressed =
        PrunedModels.randomlyPruned(CifarNetworks.resNet(8, 10), INPUT, 4, manager);
    try (CompressedModel inference = compressed.forInference()) {
      OnnxExport.of(inference).save(file);
    }
    return file;
  }

  private void assertEveryCaseIsHandled(int cases, long seed) throws IOException {
    byte[] original = Files.readAllBytes(exported());
    SplittableRandom random = new SplittableRandom(seed);
    float[] input = new float[(int) INPUT.size()];
    Arrays.fill(input, 0.5f);
    List<String> wrong = new ArrayList<>();
    int ran = 0;
    Path file = temp.resolve("damaged.onnx");
    for (int i = 0; i < cases; i++) {
      byte[] bytes = original.clone();
      String what;
      switch (random.nextInt(3)) {
        case 0 -> {
          int at = random.nextInt(bytes.length);
          int mask = 1 + random.nextInt(255);
          bytes[at] ^= (byte) mask;
          what = "byte " + at + " xor " + mask;
        }
        case 1 -> {
          int from = random.nextInt(bytes.length);
          int to = Math.min(bytes.length, from + 1 + random.nextInt(64));
          Arrays.fill(bytes, from, to, (byte) 0);
          what = "bytes " + from + " to " + to + " zeroed";
        }
        default -> {
          bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length));
          what = "cut to " + bytes.length + " bytes";
        }
      }
      if (Arrays.equals(bytes, original)) {
        continue;
      }
      Files.write(file, bytes);
      try {
        OnnxExport.verify(file);
        wrong.add(what + ": verified");
      } catch (IllegalArgumentException e) {
        if (!e.getMessage().startsWith(file.toString())) {
          wrong.add(what + ": " + e.getMessage());
        }
      }
      try (OrtSession session = OnnxRuntimes.session(bytes)) {
        OnnxRuntimes.run(session, input, INPUT.getShape());
        ran++;
      } catch (OrtException e) {
        // ONNX Runtime refused the file or the run: a clear error, the JVM alive.
      } catch (RuntimeException e) {
        wrong.add(what + ": ONNX Runtime threw " + e);
      }
    }
    assertThat(wrong).as("ONNX Runtime ran %s of %s damaged files", ran, cases).isEmpty();
  }
}
