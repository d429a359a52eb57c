package dev.ato.djl.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArrayFileTest {

  @TempDir Path directory;

  private NDManager manager;
  private Path file;

  @BeforeEach
  void twoArrays() throws IOException {
    manager = NDManager.newBaseManager();
    Map<String, NDArray> arrays = new LinkedHashMap<>();
    arrays.put("conv.weight", manager.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(2, 3)));
    arrays.put("bn.gamma", manager.create(new float[] {0.5f, -0.25f}));
    file = directory.resolve("model.arrays");
    ArrayFile.write(file, arrays);
  }

  @AfterEach
  void close() {
    manager.close();
  }

  @Test
  void arraysComeBackByNameInOrderWithTheirShapesAndValues() throws IOException {
    Map<String, NDArray> read = ArrayFile.read(file, manager);

    assertThat(read.keySet()).containsExactly("conv.weight", "bn.gamma");
    assertThat(read.get("conv.weight").getShape()).isEqualTo(new Shape(2, 3));
    assertThat(read.get("conv.weight").toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(read.get("bn.gamma").toFloatArray()).containsExactly(0.5f, -0.25f);
  }

  @Test
  void aTruncatedFileFailsItsChecksum() throws IOException {
    byte[] all = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(all, all.length - 20));

    assertThatThrownBy(() -> ArrayFile.read(file, manager))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("damaged or truncated");
  }

  @Test
  void aFlippedByteFailsItsChecksum() throws IOException {
    byte[] all = Files.readAllBytes(file);
    all[all.length / 2] ^= 0x01;
    Files.write(file, all);

    assertThatThrownBy(() -> ArrayFile.read(file, manager))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("checksum does not match");
  }

  @Test
  void anotherKindOfFileIsNamedAsSuch() throws IOException {
    Files.writeString(file, "{\"not\": \"arrays\"}", StandardCharsets.UTF_8);

    assertThatThrownBy(() -> ArrayFile.read(file, manager))
        .isInstanceOf(IOException.class)
        .hasMessage(file + " is not an ato array file");
  }
}
