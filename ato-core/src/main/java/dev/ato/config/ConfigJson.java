package dev.ato.config;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.ato.groups.BlockPartition;
import dev.ato.groups.GroupOptions;
import dev.ato.projection.Projection;
import dev.ato.schedule.LambdaSchedule;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON form of an {@link AtoConfig}: one object, every setting named, in a fixed order, so that
 * equal configurations give equal text. Settings that ato resolves for the run at hand are {@code
 * null}. Reading goes through {@link AtoConfig.Builder}, so a file is held to the same rules as
 * code.
 */
final class ConfigJson {

  /** The format written; a reader refuses others, naming both. */
  static final String FORMAT = "ato-config/1";

  private static final Gson GSON = new GsonBuilder().serializeNulls().create();

  private ConfigJson() {}

  static String write(AtoConfig config) {
    JsonObject json = new JsonObject();
    json.addProperty("format", FORMAT);
    json.addProperty("flopsReduction", config.flopsReduction());
    json.addProperty("epochs", config.epochs());
    json.addProperty("flopsTolerance", config.flopsTolerance());
    json.addProperty("budgetCorrection", config.budgetCorrection());
    json.addProperty("failOnMissedTarget", config.failOnMissedTarget());
    json.addProperty("trainCompressedAfterFreeze", config.trainCompressedAfterFreeze());
    JsonObject schedule = new JsonObject();
    schedule.addProperty("controllerStart", config.controllerStart());
    schedule.addProperty("warmup", config.warmup());
    schedule.addProperty("controllerEnd", config.controllerEnd());
    schedule.addProperty(
        "controllerUpdates",
        config.controllerUpdates().isPresent() ? config.controllerUpdates().getAsInt() : null);
    schedule.addProperty(
        "controllerInterval",
        config.controllerInterval().isPresent() ? config.controllerInterval().getAsInt() : null);
    json.add("schedule", schedule);
    JsonObject controller = new JsonObject();
    controller.addProperty(
        "learningRate",
        config.controllerLearningRate().isPresent()
            ? config.controllerLearningRate().getAsDouble()
            : null);
    controller.addProperty("resourceWeight", config.resourceWeight());
    controller.addProperty(
        "dataFraction",
        config.controllerDataFraction().isPresent()
            ? config.controllerDataFraction().getAsDouble()
            : null);
    json.add("controller", controller);
    json.add("projection", projection(config.projection()));
    json.addProperty("maskSource", config.maskSource().name());
    json.addProperty(
        "channelMultiple",
        config.channelMultiple().isPresent() ? config.channelMultiple().getAsInt() : null);
    JsonObject groups = new JsonObject();
    groups.addProperty("pruneResidualStreams", config.groupOptions().pruneResidualStreams());
    groups.addProperty("blockPartition", config.groupOptions().blockPartition().name());
    json.add("groupOptions", groups);
    json.addProperty("seed", config.seed());
    return GSON.toJson(json);
  }

  private static JsonObject projection(Projection projection) {
    JsonObject json = new JsonObject();
    // Java 17 has no pattern switch; the sealed type has these two kinds only.
    if (projection instanceof Projection.HalfSpace halfSpace) {
      json.addProperty("kind", "half-space");
      json.addProperty("epsilon", halfSpace.epsilon());
    } else {
      json.addProperty("kind", "group-lasso");
    }
    json.addProperty("lambdaDuringSearch", projection.lambda().duringSearch());
    json.addProperty("lambdaAfterSearch", projection.lambda().afterSearch());
    return json;
  }

  static AtoConfig read(String text) {
    JsonObject json;
    try {
      JsonElement parsed = JsonParser.parseString(text);
      checkArgument(
          parsed.isJsonObject(),
          "an ATO configuration is a JSON object, found: %s",
          abbreviate(text));
      json = parsed.getAsJsonObject();
    } catch (JsonParseException e) {
      throw new IllegalArgumentException(
          "not an ATO configuration: malformed JSON (" + e.getMessage() + ")", e);
    }
    String format = text(json, "format");
    checkArgument(
        FORMAT.equals(format),
        "an ATO configuration of format '%s', but this ato " + "reads '%s'",
        format,
        FORMAT);
    try {
      AtoConfig.Builder b =
          AtoConfig.builder()
              .setFlopsReduction(number(json, "flopsReduction"))
              .setEpochs(integer(json, "epochs"))
              .optFlopsTolerance(number(json, "flopsTolerance"))
              .optBudgetCorrection(bool(json, "budgetCorrection"))
              .optFailOnMissedTarget(bool(json, "failOnMissedTarget"));
      // Configurations written before the option existed trained the dense model to the end.
      b.optTrainCompressedAfterFreeze(
          json.has("trainCompressedAfterFreeze") && bool(json, "trainCompressedAfterFreeze"));
      JsonObject schedule = object(json, "schedule");
      b.optSchedule(
          number(schedule, "controllerStart"),
          number(schedule, "warmup"),
          number(schedule, "controllerEnd"));
      if (isNull(schedule, "controllerInterval")) {
        b.optControllerUpdates(integer(schedule, "controllerUpdates"));
      } else {
        b.optControllerInterval(integer(schedule, "controllerInterval"));
      }
      JsonObject controller = object(json, "controller");
      if (!isNull(controller, "learningRate")) {
        b.optControllerLearningRate(number(controller, "learningRate"));
      }
      b.optResourceWeight(number(controller, "resourceWeight"));
      if (!isNull(controller, "dataFraction")) {
        b.optControllerDataFraction(number(controller, "dataFraction"));
      }
      b.optProjection(readProjection(object(json, "projection")));
      b.optMaskSource(constant(MaskSource.class, json, "maskSource"));
      if (!isNull(json, "channelMultiple")) {
        b.optChannelMultiple(integer(json, "channelMultiple"));
      }
      JsonObject groups = object(json, "groupOptions");
      b.optGroupOptions(
          GroupOptions.builder()
              .optPruneResidualStreams(bool(groups, "pruneResidualStreams"))
              .optBlockPartition(constant(BlockPartition.class, groups, "blockPartition"))
              .build());
      return b.optSeed(field(json, "seed").getAsLong()).build();
    } catch (IllegalStateException
        | ClassCastException
        | NumberFormatException
        | UnsupportedOperationException e) {
      throw new IllegalArgumentException("not a valid ATO configuration: " + e.getMessage(), e);
    }
  }

  /** The first setting whose value differs between two configurations' JSON, in words. */
  static Optional<String> firstDifference(String json, String otherJson) {
    Map<String, JsonElement> these = flatten("", JsonParser.parseString(json));
    Map<String, JsonElement> others = flatten("", JsonParser.parseString(otherJson));
    for (Map.Entry<String, JsonElement> setting : these.entrySet()) {
      JsonElement other = others.getOrDefault(setting.getKey(), JsonNull.INSTANCE);
      if (!setting.getValue().equals(other)) {
        return Optional.of(setting.getKey() + " is " + setting.getValue() + ", not " + other);
      }
    }
    return others.keySet().stream()
        .filter(key -> !these.containsKey(key))
        .findFirst()
        .map(key -> key + " is not set, not " + others.get(key));
  }

  private static Map<String, JsonElement> flatten(String prefix, JsonElement json) {
    Map<String, JsonElement> settings = new LinkedHashMap<>();
    if (json.isJsonObject()) {
      json.getAsJsonObject()
          .entrySet()
          .forEach(
              entry ->
                  settings.putAll(
                      flatten(
                          prefix + (prefix.isEmpty() ? "" : ".") + entry.getKey(),
                          entry.getValue())));
    } else {
      settings.put(prefix, json);
    }
    return settings;
  }

  private static Projection readProjection(JsonObject json) {
    LambdaSchedule lambda =
        new LambdaSchedule(number(json, "lambdaDuringSearch"), number(json, "lambdaAfterSearch"));
    String kind = text(json, "kind");
    return switch (kind) {
      case "group-lasso" -> new Projection.GroupLasso(lambda);
      case "half-space" -> new Projection.HalfSpace(number(json, "epsilon"), lambda);
      default ->
          throw new IllegalArgumentException(
              "unknown projection kind '" + kind + "': 'group-lasso' or 'half-space'");
    };
  }

  private static JsonElement field(JsonObject json, String name) {
    JsonElement value = json.get(name);
    if (value == null || value.isJsonNull()) {
      throw missing(name);
    }
    return value;
  }

  private static IllegalArgumentException missing(String name) {
    return new IllegalArgumentException("the ATO configuration has no '" + name + "'");
  }

  private static boolean isNull(JsonObject json, String name) {
    return json.get(name) == null || json.get(name).isJsonNull();
  }

  private static double number(JsonObject json, String name) {
    return field(json, name).getAsDouble();
  }

  private static int integer(JsonObject json, String name) {
    return field(json, name).getAsInt();
  }

  private static boolean bool(JsonObject json, String name) {
    JsonElement value = field(json, name);
    checkArgument(
        value.isJsonPrimitive() && value.getAsJsonPrimitive().isBoolean(),
        "'%s' of the ATO configuration must be true or false, found %s",
        name,
        value);
    return value.getAsBoolean();
  }

  private static String text(JsonObject json, String name) {
    return field(json, name).getAsString();
  }

  private static JsonObject object(JsonObject json, String name) {
    JsonElement value = field(json, name);
    checkArgument(
        value.isJsonObject(),
        "'%s' of the ATO configuration must be an object, " + "found %s",
        name,
        value);
    return value.getAsJsonObject();
  }

  private static <E extends Enum<E>> E constant(Class<E> type, JsonObject json, String name) {
    String value = text(json, name);
    try {
      return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "'%s' of the ATO " + "configuration is '%s', not one of %s",
              name,
              value,
              Arrays.toString(type.getEnumConstants())),
          e);
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 60 ? text : text.substring(0, 57) + "...";
  }
}
