package dev.ato.examples.report;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;
import dev.ato.djl.AtoListener;
import dev.ato.djl.AtoResult;
import dev.ato.djl.EpochMetrics;
import dev.ato.examples.latency.PruningSpeed;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Everything one example run leaves for a person or a program to read, written as {@value
 * #FILE_NAME}: the command and its settings, the data and the model, the machine and the versions,
 * the schedule, every epoch, every controller update, every step's running loss and FLOPs kept, the
 * channels of every layer, cost and scores before and after, the files left and what each is for,
 * the dense and compressed networks' speed, wall times. Numbers that do not exist (a metric without
 * validation data) are written as {@code null}.
 *
 * @param format the report's format and version, {@value #FORMAT}
 * @param command the command line as typed
 * @param settings every option of the command, resolved (defaults filled in), the data and the
 *     training recipe among them
 * @param config the run's configuration as {@code AtoConfig.toJson()} writes it (the result's own,
 *     so the provenance of the network left); {@code AtoConfig.fromJson} reads it back
 * @param model the network pruned, e.g. "CIFAR ResNet-20 (width 16)"
 * @param data what the run trained and scored on
 * @param environment machine and versions
 * @param schedule the run's schedule as ATO announced it
 * @param cost FLOPs and parameters before and after
 * @param scores the run's metric for the masked, compressed and reloaded network
 * @param wallTimes where the time went
 * @param epochs the metrics of each epoch
 * @param controllerUpdates every controller update, in order
 * @param steps every optimiser step's running loss and FLOPs kept
 * @param channels output channels of every convolution and linear layer, before and after
 * @param artifacts the files the run left, by what they are for
 * @param latency the dense and the compressed networks timed in DJL and in ONNX Runtime, at batch 1
 *     and at the training batch
 */
public record RunReport(
    String format,
    String command,
    ImmutableMap<String, Object> settings,
    JsonElement config,
    String model,
    String data,
    Environment environment,
    AtoListener.RunInfo schedule,
    Cost cost,
    Scores scores,
    WallTimes wallTimes,
    ImmutableList<EpochMetrics> epochs,
    ImmutableList<AtoListener.ControllerUpdate> controllerUpdates,
    ImmutableList<RunTrace.StepSample> steps,
    ImmutableMap<String, AtoResult.LayerChannels> channels,
    Artifacts artifacts,
    ImmutableList<PruningSpeed.Figure> latency) {

  /** The name of the file in the output directory. */
  public static final String FILE_NAME = "report.json";

  /** The format written by this version. */
  public static final String FORMAT = "ato-run-report/3";

  /**
   * The machine and the software that ran.
   *
   * @param ato the version of ato
   * @param djl DJL's version
   * @param engine the engine's name and version, e.g. "PyTorch 2.7.1"
   * @param device the device the model trained on
   * @param java the JVM's version
   * @param os operating system and architecture
   * @param cores processors available to the JVM
   * @param onednnMaxCpuIsa the {@code ONEDNN_MAX_CPU_ISA} the engine ran with, or null
   */
  public record Environment(
      String ato,
      String djl,
      String engine,
      String device,
      String java,
      String os,
      int cores,
      String onednnMaxCpuIsa) {}

  /**
   * Cost before and after.
   *
   * @param flopsBefore multiply-accumulates of the dense network per image
   * @param flopsAfter of the compressed network
   * @param flopsReduction the share removed
   * @param targetReduction the share asked for
   * @param tolerance how far from the target the reduction may be
   * @param targetMet whether it is within the tolerance
   * @param budget how the mask came to its reduction when the controller window ended
   * @param parametersBefore trainable parameters of the dense network
   * @param parametersAfter of the compressed network
   * @param groups prunable groups found
   * @param groupsPruned groups the final mask prunes
   */
  public record Cost(
      long flopsBefore,
      long flopsAfter,
      double flopsReduction,
      double targetReduction,
      double tolerance,
      boolean targetMet,
      String budget,
      long parametersBefore,
      long parametersAfter,
      int groups,
      int groupsPruned) {

    /** The cost part of {@code result}. */
    public static Cost of(AtoResult result) {
      return new Cost(
          result.flopsBefore(),
          result.flopsAfter(),
          result.flopsReduction(),
          result.target().reduction(),
          result.budget().tolerance(),
          result.targetMet(),
          result.budget().toString(),
          result.parametersBefore(),
          result.parametersAfter(),
          result.mask().size(),
          result.mask().prunedCount());
    }
  }

  /**
   * The run's metric on the test data.
   *
   * @param metric its name, e.g. "Accuracy"
   * @param masked the dense network with the pruned groups at zero, as the run ended
   * @param compressed the compressed network, in memory
   * @param reloaded the compressed network's trainable form loaded back from the saved files
   *     through DJL's {@code Criteria}
   * @param served its inference form, loaded back the same way
   * @param onnx the inference form's ONNX file run by ONNX Runtime
   */
  public record Scores(
      String metric,
      double masked,
      double compressed,
      double reloaded,
      double served,
      double onnx) {}

  /**
   * The files a run leaves in its output directory, relative to it.
   *
   * @param trainable the compressed network as ATO cut it, batch norms included: the form to
   *     fine-tune
   * @param serving its inference form, batch norms folded into the layers before them: the form to
   *     serve, through DJL's {@code Criteria}
   * @param onnx the inference form as an ONNX file, for ONNX Runtime and other runtimes
   */
  public record Artifacts(String trainable, String serving, String onnx) {

    /** The artifacts of the given names. */
    public static Artifacts of(String trainable, String serving, String onnx) {
      return new Artifacts(trainable + "/", serving + "/", onnx);
    }
  }

  /**
   * Wall times in seconds.
   *
   * @param data reading the data
   * @param build reading the model and checking the settings ({@code build()})
   * @param training the ATO run ({@code fit()})
   * @param saving saving the compressed network
   * @param reloading loading it back and scoring it, both forms and the ONNX file
   * @param latency timing the dense and the compressed networks
   * @param total the whole command
   */
  public record WallTimes(
      double data,
      double build,
      double training,
      double saving,
      double reloading,
      double latency,
      double total) {}

  /** Writes this report as pretty-printed JSON to {@code file}. */
  public void write(Path file) throws IOException {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      gson().toJson(this, out);
    }
  }

  /** Reads a report written by {@link #write}, e.g. to check it in a test. */
  public static Map<?, ?> readAsMap(Path file) throws IOException {
    try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return gson().fromJson(in, Map.class);
    }
  }

  private static Gson gson() {
    TypeAdapter<Double> finiteOrNull =
        new TypeAdapter<>() {
          @Override
          public void write(JsonWriter out, Double value) throws IOException {
            if (value == null || !Double.isFinite(value)) {
              out.nullValue();
            } else {
              out.value(value);
            }
          }

          @Override
          public Double read(JsonReader in) throws IOException {
            if (in.peek() == com.google.gson.stream.JsonToken.NULL) {
              in.nextNull();
              return Double.NaN;
            }
            return in.nextDouble();
          }
        };
    return new GsonBuilder()
        .setPrettyPrinting()
        .disableHtmlEscaping()
        .registerTypeAdapter(Double.class, finiteOrNull)
        .registerTypeAdapter(double.class, finiteOrNull)
        .create();
  }
}
