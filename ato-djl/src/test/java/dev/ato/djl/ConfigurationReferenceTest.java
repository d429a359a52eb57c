package dev.ato.djl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.types.Shape;
import ai.djl.training.optimizer.Optimizer;
import com.google.common.base.Splitter;
import dev.ato.config.AtoConfig;
import dev.ato.djl.graph.ReadOptions;
import dev.ato.djl.testing.CifarNetworks;
import dev.ato.djl.testing.FashionMnistSlices;
import dev.ato.djl.testing.FashionMnistSlices.Slice;
import dev.ato.groups.GroupOptions;
import dev.ato.projection.Projection;
import dev.ato.schedule.LambdaSchedule;
import dev.ato.schedule.TrainingSchedule;
import dev.ato.storage.Checkpoints;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md lists every public option of the builder and its helpers, no option that
 * does not exist, and for each default it states as a value the value a default run really uses.
 */
class ConfigurationReferenceTest {

  private static final Path PAGE = Path.of("../docs/configuration.md");

  /** Section heading, then for each row: the method as written, and its default cell. */
  private static Map<String, Map<String, String>> page;

  @BeforeAll
  static void readPage() throws IOException {
    page = sections(Files.readAllLines(PAGE));
  }

  @Test
  void everyBuilderOptionHasARowAndEveryRowIsAnOption() {
    assertThat(page.get("`AutoTrainOnce.builder()`").keySet())
        .containsExactlyInAnyOrderElementsOf(
            signatures(
                AutoTrainOnceBuilder.class,
                "",
                method ->
                    !Modifier.isStatic(method.getModifiers())
                        && !method.getName().equals("build")));
  }

  @Test
  void projectionsGroupsAndReadOptionsAreListedWhole() {
    Predicate<Method> factories = method -> Modifier.isStatic(method.getModifiers());
    assertThat(page.get("Projections").keySet())
        .containsExactlyInAnyOrderElementsOf(
            Stream.of(
                    signatures(Projection.class, "Projection.", factories),
                    constructors(Projection.GroupLasso.class, "new Projection.GroupLasso"),
                    constructors(Projection.HalfSpace.class, "new Projection.HalfSpace"),
                    signatures(LambdaSchedule.class, "LambdaSchedule.", factories))
                .flatMap(List::stream)
                .toList());
    assertThat(page.get("Groups").keySet())
        .containsExactlyInAnyOrderElementsOf(
            signatures(
                GroupOptions.Builder.class, "", method -> !method.getName().equals("build")));
    assertThat(page.get("Reading the model").keySet())
        .containsExactlyInAnyOrderElementsOf(
            signatures(ReadOptions.class, "ReadOptions.", factories));
    assertThat(page.get("Checkpoints").keySet())
        .containsExactlyInAnyOrderElementsOf(
            Stream.concat(
                    signatures(Checkpoints.class, "Checkpoints.", factories).stream(),
                    signatures(
                        Checkpoints.Builder.class, "", method -> !method.getName().equals("build"))
                        .stream())
                .toList());
  }

  @Test
  void requiredOptionsAreTheSetOnes() {
    page.get("`AutoTrainOnce.builder()`")
        .forEach(
            (method, defaultCell) ->
                assertThat(defaultCell.startsWith("required"))
                    .as(method)
                    .isEqualTo(method.startsWith("set")));
  }

  @Test
  void theBuilderDefaultsAreWhatADefaultRunUses() throws IOException {
    Map<String, String> used = new LinkedHashMap<>();
    AtoConfig fresh = AtoConfig.builder().setFlopsReduction(0.5).setEpochs(1).build();
    used.put(
        "optSchedule(double, double, double)",
        number(fresh.controllerStart())
            + ", "
            + number(fresh.warmup())
            + ", "
            + number(fresh.controllerEnd()));
    // A default run shorter than the window only shows the scaled-down count; the count asked
    // for is the schedule's own default, which the builder leaves in place.
    used.put(
        "optControllerUpdates(int)", Integer.toString(TrainingSchedule.DEFAULT_CONTROLLER_UPDATES));
    try (Slice train = FashionMnistSlices.train(200, 20);
        AutoTrainOnce ato =
            AutoTrainOnce.builder()
                .setBlock(CifarNetworks.resNet(8, 10))
                .setInputShape(new Shape(1, 1, 28, 28))
                .setTrainingData(train)
                .setFlopsReduction(0.5)
                .setEpochs(1)
                .build()) {
      RunSettings run = ato.context().settings();
      used.put("optValidationData(Dataset)", run.validation() == null ? "none" : "some");
      used.put("optOptimizer(Optimizer)", describe(run.optimizer(), run));
      used.put("optLoss(Loss)", run.loss().getName());
      used.put("optProjection(Projection)", run.config().projection().toString());
      used.put("optFlopsTolerance(double)", number(ato.budget().tolerance()));
      used.put("optMaskSource(MaskSource)", run.config().maskSource().name());
      used.put(
          "optChannelMultiple(int)",
          run.channelRounding().automatic()
              ? "automatic"
              : Integer.toString(run.channelRounding().multiple()));
      used.put("optBudgetCorrection(boolean)", Boolean.toString(run.config().budgetCorrection()));
      used.put(
          "optFailOnMissedTarget(boolean)", Boolean.toString(run.config().failOnMissedTarget()));
      used.put(
          "optTrainCompressedAfterFreeze(boolean)",
          Boolean.toString(run.config().trainCompressedAfterFreeze()));
      used.put(
          "optControllerDataFraction(double)",
          number((double) run.heldOut().size() / train.size()));
      used.put("optResourceWeight(double)", number(run.config().resourceWeight()));
      used.put("optControllerLearningRate(double)", number(run.controllerLearningRate()));
      used.put("optSeed(long)", Long.toString(run.seed()));
      used.put("optValidationMetric(Evaluator)", run.metric().getName());
      used.put("optCheckpoints(Checkpoints)", run.checkpoints() == null ? "none" : "some");
    }
    assertDocumented("`AutoTrainOnce.builder()`", used);
  }

  @Test
  void theHelpersDefaultsAreWhatTheirFactoriesGive() {
    GroupOptions groups = GroupOptions.builder().build();
    assertThat(groups).isEqualTo(GroupOptions.defaults());
    assertDocumented(
        "Groups",
        Map.of(
            "optPruneResidualStreams(boolean)", Boolean.toString(groups.pruneResidualStreams()),
            "optBlockPartition(BlockPartition)", groups.blockPartition().name()));
    Checkpoints checkpoints = Checkpoints.in(Path.of("unused")).build();
    assertDocumented(
        "Checkpoints",
        Map.of(
            "optEveryEpochs(int)", Integer.toString(checkpoints.everyEpochs()),
            "optRetain(int)", Integer.toString(checkpoints.retain())));
    LambdaSchedule lambda = LambdaSchedule.defaults();
    assertDocumented(
        "Projections",
        Map.of(
            "Projection.groupLasso()",
            Projection.groupLasso().toString(),
            "LambdaSchedule.defaults()",
            "lambda " + lambda.duringSearch() + " -> " + lambda.afterSearch()));
  }

  private static void assertDocumented(String section, Map<String, String> used) {
    used.forEach(
        (method, value) ->
            assertThat(page.get(section).get(method))
                .as("the documented default of %s", method)
                .startsWith(value));
  }

  /** "SGD: learning rate 0.05, momentum 0.9, weight decay 0.0005", read off the optimiser. */
  private static String describe(Optimizer optimizer, RunSettings run) {
    return optimizer.getClass().getSimpleName().toUpperCase(Locale.ROOT)
        + ": learning rate "
        + number(run.learningRate().getNewValue("any", run.firstUpdate()))
        + ", momentum "
        + number(field(optimizer, optimizer.getClass(), "momentum"))
        + ", weight decay "
        + number(field(optimizer, Optimizer.class, "weightDecays"));
  }

  private static float field(Object owner, Class<?> declaring, String name) {
    try {
      Field field = declaring.getDeclaredField(name);
      field.setAccessible(true);
      return field.getFloat(owner);
    } catch (ReflectiveOperationException e) {
      throw new LinkageError("DJL's " + declaring.getSimpleName() + " has no " + name, e);
    }
  }

  /** A value as the page writes it: no exponent, no trailing zeros, float noise rounded off. */
  private static String number(double value) {
    return new BigDecimal(Double.toString(value))
        .round(new MathContext(6))
        .stripTrailingZeros()
        .toPlainString();
  }

  private static String number(float value) {
    return number(Double.parseDouble(Float.toString(value)));
  }

  /** Public methods as the page writes them: {@code name(Type, Type...)}. */
  private static List<String> signatures(Class<?> type, String prefix, Predicate<Method> which) {
    return Arrays.stream(type.getDeclaredMethods())
        .filter(method -> Modifier.isPublic(method.getModifiers()) && !method.isSynthetic())
        .filter(which)
        .map(
            method ->
                prefix
                    + method.getName()
                    + "("
                    + Arrays.stream(method.getParameters())
                        .map(
                            parameter ->
                                parameter.isVarArgs()
                                    ? parameter.getType().getComponentType().getSimpleName() + "..."
                                    : parameter.getType().getSimpleName())
                        .collect(Collectors.joining(", "))
                    + ")")
        .toList();
  }

  /** The public constructors of {@code type}, as {@code name(ParameterType, ...)}. */
  private static List<String> constructors(Class<?> type, String name) {
    return Arrays.stream(type.getConstructors())
        .map(
            constructor ->
                name
                    + "("
                    + Arrays.stream(constructor.getParameterTypes())
                        .map(Class::getSimpleName)
                        .collect(Collectors.joining(", "))
                    + ")")
        .toList();
  }

  /** The page's tables by section: first cell (backticks dropped) to second cell. */
  private static Map<String, Map<String, String>> sections(List<String> lines) {
    Map<String, Map<String, String>> sections = new LinkedHashMap<>();
    Map<String, String> current = null;
    for (String line : lines) {
      if (line.startsWith("## ")) {
        current = new LinkedHashMap<>();
        sections.put(line.substring(3).trim(), current);
      } else if (current != null && line.startsWith("| `")) {
        List<String> cells = Splitter.on('|').splitToList(line);
        String previous =
            current.put(cells.get(1).trim().replace("`", ""), cells.get(2).trim().replace("`", ""));
        assertThat(previous).as("a second row for %s", cells.get(1)).isNull();
      }
    }
    return sections;
  }
}
