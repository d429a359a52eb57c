package dev.ato.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.dataset.Dataset;
import dev.ato.djl.cost.FlopsCounter;
import dev.ato.djl.subnet.CompressedModel;
import dev.ato.examples.data.FashionMnist;
import dev.ato.examples.data.IdxImageDataset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/getting-started.md shows {@link GettingStarted} as it is, and that code works: run once on a
 * slice of Debian's Fashion-MNIST (1,000 training and 100 test images, 4 epochs of batches of 32:
 * 120 steps), it prunes, saves, and loads back through DJL's {@code Criteria}.
 */
class GettingStartedTest {

  /** Surefire runs in the module's directory. */
  private static final Path PAGE = Path.of("../docs/getting-started.md");

  private static final Path SOURCE = Path.of("src/test/java/dev/ato/examples/GettingStarted.java");
  private static final Pattern JAVA_BLOCK = Pattern.compile("(?ms)^```java\\n(.*?)^```$");
  private static final Pattern REGION =
      Pattern.compile("(?ms)^[ \\t]*// \\[start\\]\\n(.*?)^[ \\t]*// \\[end\\]$");
  private static final int VALIDATION_BATCH = 50;

  @TempDir static Path dir;

  private static IdxImageDataset train;
  private static IdxImageDataset validation;
  private static Path saved;
  private static long[] predicted;

  @BeforeAll
  static void runTheExampleOnce() throws Exception {
    train =
        FashionMnist.builder(Dataset.Usage.TRAIN)
            .optLimit(1_000)
            .optNormalization(FashionMnist.MEAN, FashionMnist.STD)
            .setSampling(32, true)
            .build();
    validation =
        FashionMnist.builder(Dataset.Usage.TEST)
            .optLimit(100)
            .optNormalization(FashionMnist.MEAN, FashionMnist.STD)
            .setSampling(VALIDATION_BATCH, false)
            .build();
    saved = dir.resolve("fashion-cnn-ato");
    predicted = GettingStarted.prune(train, validation, saved);
  }

  @AfterAll
  static void free() {
    train.close();
    validation.close();
  }

  @Test
  void thePageShowsTheExampleVerbatim() throws Exception {
    List<String> page = blocks(JAVA_BLOCK, Files.readString(PAGE, StandardCharsets.UTF_8));
    List<String> source = blocks(REGION, Files.readString(SOURCE, StandardCharsets.UTF_8));

    assertThat(source).as("regions marked // [start] ... // [end] in %s", SOURCE).isNotEmpty();
    assertThat(page)
        .as(
            "the ```java blocks of %s are out of date: they must be the marked regions of %s, "
                + "in order",
            PAGE, SOURCE)
        .containsExactlyElementsOf(source);
  }

  @Test
  void theCompressedNetworkIsSavedInDjlsModelFormat() {
    assertThat(saved.resolve(CompressedModel.ARCHITECTURE_FILE)).isRegularFile();
    assertThat(saved.resolve(CompressedModel.MODEL_NAME + "-0000.params")).isRegularFile();
    assertThat(saved.resolve(CompressedModel.SERVING_PROPERTIES)).isRegularFile();
  }

  @Test
  void theNetworkLoadedThroughCriteriaPredictsAClassPerImage() {
    assertThat(predicted).hasSize(VALIDATION_BATCH);
    assertThat(Arrays.stream(predicted)).allSatisfy(c -> assertThat(c).isBetween(0L, 9L));
  }

  @Test
  void theSavedNetworkHasHalfTheFlopsOfTheCnn() {
    try (NDManager manager = NDManager.newBaseManager()) {
      Shape input = new Shape(1, 1, 28, 28);
      Block dense = GettingStarted.cnn();
      dense.initialize(manager, DataType.FLOAT32, input);
      // Multiply-accumulates: 3x3 convolutions 1 -> 32 at 28x28 and 32 -> 64 at 14x14, then a
      // 64 -> 10 linear layer.
      long denseFlops = FlopsCounter.count(dense, input).flops();
      assertThat(denseFlops).isEqualTo(9L * 32 * 28 * 28 + 9L * 32 * 64 * 14 * 14 + 64 * 10);

      long savedFlops = CompressedModel.load(saved, manager).cost().flops();
      assertThat(1 - (double) savedFlops / denseFlops)
          .as(
              "FLOPs reduction of the saved network (the example asks for 0.5 and the default "
                  + "tolerance is one point)")
          .isCloseTo(0.5, within(0.01 + 1e-9));
    }
  }

  /** The text of each match's first group, less the indentation its lines share. */
  private static List<String> blocks(Pattern pattern, String text) {
    List<String> blocks = new ArrayList<>();
    Matcher matcher = pattern.matcher(text);
    while (matcher.find()) {
      blocks.add(dedent(matcher.group(1)));
    }
    return blocks;
  }

  private static String dedent(String block) {
    List<String> lines = block.lines().toList();
    int indent =
        lines.stream()
            .filter(line -> !line.isBlank())
            .mapToInt(line -> line.length() - line.stripLeading().length())
            .min()
            .orElse(0);
    StringBuilder out = new StringBuilder();
    for (String line : lines) {
      out.append(line.isBlank() ? "" : line.substring(indent)).append('\n');
    }
    return out.toString();
  }
}
