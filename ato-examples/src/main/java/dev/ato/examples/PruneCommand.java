package dev.ato.examples;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import com.google.common.base.Stopwatch;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.gson.JsonParser;
import dev.ato.djl.AtoResult;
import dev.ato.djl.AutoTrainOnce;
import dev.ato.djl.AutoTrainOnceBuilder;
import dev.ato.djl.export.OnnxExport;
import dev.ato.djl.subnet.CompressedModel;
import dev.ato.examples.data.Augmentation;
import dev.ato.examples.data.DataFormat;
import dev.ato.examples.data.FashionMnist;
import dev.ato.examples.data.ImageData;
import dev.ato.examples.latency.DjlForward;
import dev.ato.examples.latency.Forwards;
import dev.ato.examples.latency.OnnxForward;
import dev.ato.examples.latency.PruningSpeed;
import dev.ato.examples.report.OutputDirectory;
import dev.ato.examples.report.ReportCharts;
import dev.ato.examples.report.ReportPage;
import dev.ato.examples.report.RunReport;
import dev.ato.examples.report.RunTrace;
import dev.ato.projection.Projection;
import dev.ato.schedule.TrainingSchedule;
import dev.ato.storage.Checkpoints;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every pruning command shares: it reads the data, builds its network, prunes it with
 * Auto-Train-Once in one run, saves the compressed network, loads it back and scores it, and leaves
 * report.json, the charts and report.html in the output directory, which appears only once all of
 * it is written. A subclass names the network.
 */
abstract class PruneCommand implements Callable<Integer> {

  @Mixin TrainingOptions.Length length = new TrainingOptions.Length(12, 64);
  @Mixin TrainingOptions.LearningRate rate = new TrainingOptions.LearningRate(0.05f);
  @Mixin TrainingOptions.Seed seeding = new TrainingOptions.Seed();

  private static final Logger LOG = LoggerFactory.getLogger(PruneCommand.class);

  /** The compressed network's trainable form, in the output directory. */
  static final String MODEL_DIRECTORY = "model";

  /** Its inference form, batch norms folded: the one to serve. */
  static final String SERVING_DIRECTORY = "model-inference";

  /** The inference form as an ONNX file. */
  static final String ONNX_FILE = "model.onnx";

  /** Seconds of timing per runtime and batch size in the speed check after a run. */
  private static final double LATENCY_SECONDS = 0.5;

  /** The formats the commands read; AUTO looks at the directory's files. */
  enum Format {
    AUTO,
    IDX,
    CIFAR10,
    CIFAR100,
    FOLDER
  }

  /** The augmentations offered; AUTO chooses by data (none for digits). */
  enum AugmentationChoice {
    AUTO,
    NONE,
    CROP,
    CROP_FLIP
  }

  /** The optimisers offered. */
  enum OptimizerChoice {
    SGD,
    ADAM,
    ADAMW
  }

  /** The devices offered. */
  enum DeviceChoice {
    CPU,
    GPU
  }

  @Spec CommandSpec spec;

  @Option(
      names = "--data",
      defaultValue = FashionMnist.DEBIAN_DIRECTORY,
      paramLabel = "DIR",
      description =
          "Data directory: IDX files (MNIST, Fashion-MNIST), CIFAR-10/100 binary "
              + "files or an image folder with one sub-folder per class (default ${DEFAULT-VALUE},"
              + " where Debian's dataset-fashion-mnist installs it).")
  Path data;

  @Option(
      names = "--format",
      defaultValue = "auto",
      description =
          "${COMPLETION-CANDIDATES}; auto recognises the files (default " + "${DEFAULT-VALUE}).")
  Format format;

  @Option(
      names = "--train-limit",
      paramLabel = "N",
      description = "Read only the first N training images (default: all).")
  Integer trainLimit;

  @Option(
      names = "--test-limit",
      paramLabel = "N",
      description = "Score on only the first N test images (default: all).")
  Integer testLimit;

  @Option(
      names = "--image-size",
      defaultValue = "224",
      paramLabel = "PIXELS",
      description =
          "Image folders only: the side images are resized to (default " + "${DEFAULT-VALUE}).")
  int imageSize;

  @Option(
      names = "--augmentation",
      defaultValue = "auto",
      description =
          "${COMPLETION-CANDIDATES}: random crop with padding and horizontal flip "
              + "of training images; auto is crop-flip for CIFAR, image folders and Fashion-MNIST, "
              + "none for other IDX data (digits) (default ${DEFAULT-VALUE}).")
  AugmentationChoice augmentation;

  @Option(
      names = "--crop-padding",
      paramLabel = "PIXELS",
      description =
          "IDX and CIFAR only: pixels of padding before the random crop, the largest "
              + "shift (default: 2 for IDX, 4 for CIFAR's 32x32).")
  Integer cropPadding;

  @Option(
      names = "--optimizer",
      defaultValue = "sgd",
      description = "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}; SGD with momentum).")
  OptimizerChoice optimizer;

  @Option(
      names = "--lr-schedule",
      defaultValue = "cosine",
      description =
          "${COMPLETION-CANDIDATES}: cosine to a hundredth of the base, steps of /10 at half "
              + "and three quarters of the run, or constant (default ${DEFAULT-VALUE}).")
  LearningRateSchedule schedule;

  @Option(
      names = "--momentum",
      defaultValue = "0.9",
      description = "SGD momentum (default ${DEFAULT-VALUE}).")
  float momentum;

  @Option(
      names = "--weight-decay",
      defaultValue = "5e-4",
      description = "Weight decay (default ${DEFAULT-VALUE}).")
  float weightDecay;

  @Option(
      names = "--reduction",
      defaultValue = "0.5",
      description =
          "Share of the model's FLOPs to remove, in (0, 1) (default " + "${DEFAULT-VALUE}).")
  double reduction;

  @Option(
      names = {"--projection", "--projector"},
      defaultValue = "group-lasso",
      converter = ProjectionConverter.class,
      description =
          "group-lasso or half-space, the latter with --half-space-epsilon (default"
              + " ${DEFAULT-VALUE}).")
  Projection projection;

  @Option(
      names = "--half-space-epsilon",
      defaultValue = "0.1",
      description =
          "Epsilon of the half-space projection, in [0, 1) (default ${DEFAULT-VALUE},"
              + " the paper's).")
  double halfSpaceEpsilon;

  @Option(
      names = "--controller-updates",
      paramLabel = "N",
      description =
          "Controller updates spread over its window (default: ato's, "
              + TrainingSchedule.DEFAULT_CONTROLLER_UPDATES
              + ", fitted to the run's length).")
  Integer controllerUpdates;

  @Option(
      names = "--controller-interval",
      paramLabel = "STEPS",
      description =
          "Steps between controller updates instead (the paper uses "
              + TrainingSchedule.PAPER_CONTROLLER_INTERVAL
              + " over runs of 100,000 steps).")
  Integer controllerInterval;

  @Option(
      names = "--controller-window",
      split = ",",
      paramLabel = "START,WARMUP,END",
      description =
          "Controller start, projection start and controller end as shares of the "
              + "steps (default ato's, the paper's: "
              + TrainingSchedule.DEFAULT_CONTROLLER_START
              + ","
              + TrainingSchedule.DEFAULT_WARMUP
              + ","
              + TrainingSchedule.DEFAULT_CONTROLLER_END
              + ").")
  List<Double> controllerWindow;

  @Option(
      names = "--channel-multiple",
      defaultValue = "auto",
      paramLabel = "auto|N",
      description =
          "When the mask freezes, round each block's kept channels to a multiple of "
              + "N, so that the compressed network's layers fill the engine's channel blocks and "
              + "it runs as much faster as it is smaller; auto takes the engine's block (16 on a "
              + "CPU with AVX-512, else 8), smaller where the FLOPs budget needs it; 1 rounds "
              + "nothing (default ${DEFAULT-VALUE}).")
  String channelMultiple;

  @Option(
      names = "--device",
      defaultValue = "cpu",
      description =
          "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}; gpu needs DJL's CUDA "
              + "flavour of libtorch, see docs/gpu.md).")
  DeviceChoice device;

  @Option(
      names = "--output",
      paramLabel = "DIR",
      description =
          "Where the compressed network, report.json, the charts and report.html go "
              + "(default ato-output/<model>); an earlier report there is replaced.")
  Path output;

  @Option(
      names = "--checkpoints",
      paramLabel = "DIR",
      description =
          "Where the run keeps a checkpoint after every epoch until it finishes; the "
              + "same command run again after a crash resumes from the latest one (default "
              + "<output>-checkpoints).")
  Path checkpoints;

  @Option(
      names = "--checkpoint-every",
      defaultValue = "1",
      paramLabel = "EPOCHS",
      description =
          "Epochs between two checkpoints; the last epoch always writes one (default "
              + "${DEFAULT-VALUE}).")
  int checkpointEvery;

  @Option(
      names = "--checkpoint-steps",
      paramLabel = "STEPS",
      description = "Also a checkpoint every STEPS steps within epochs (default: none).")
  Integer checkpointSteps;

  @Option(names = "--no-checkpoints", description = "Write no checkpoints, resume from none.")
  boolean noCheckpoints;

  @Option(names = "--no-progress", description = "No progress bar (the log lines remain).")
  boolean noProgress;

  /** The network to prune for {@code data}, and its name for logs and the report. */
  abstract Network network(ImageData data);

  /**
   * A network and its name.
   *
   * @param block the untrained block
   * @param description for people, e.g. "CIFAR ResNet-20 (width 16)"
   */
  record Network(Block block, String description) {}

  @Override
  public Integer call() throws IOException {
    channelMultiple();
    Stopwatch total = Stopwatch.createStarted();
    PrintWriter out = spec.commandLine().getOut();
    Device chosen = device();
    try (OutputDirectory directory = OutputDirectory.prepare(outputPath());
        ImageData images = readData();
        Model model = Model.newInstance(spec.name())) {
      double dataSeconds = seconds(total);
      Network network = network(images);
      model.setBlock(network.block());
      RunTrace trace = new RunTrace();
      AutoTrainOnceBuilder options =
          AutoTrainOnce.builder()
              .setModel(model)
              .setInputShape(new Shape(1).addAll(images.imageShape()))
              .setTrainingData(images.train())
              .optValidationData(images.test())
              .setFlopsReduction(reduction)
              .setEpochs(length.epochs)
              .optOptimizer(steps -> optimizer(schedule.tracker(rate.learningRate, steps)))
              .optProjection(
                  projection instanceof Projection.HalfSpace
                      ? Projection.halfSpace(halfSpaceEpsilon)
                      : projection)
              .optSeed(seeding.seed)
              .optDevice(chosen)
              .addListener(trace);
      if (!noCheckpoints) {
        options.optCheckpoints(checkpointSettings());
      }
      channelMultiple().ifPresent(options::optChannelMultiple);
      if (!noProgress) {
        options.addListener(new ConsoleProgress(trace, System.err));
      }
      controllerOptions(options);
      Stopwatch phase = Stopwatch.createStarted();
      try (AutoTrainOnce ato = options.build()) {
        double buildSeconds = seconds(phase);
        LOG.info(
            "pruning {} on {}: {} groups, {} steps, -{}% of {} FLOPs asked",
            network.description(),
            images.description(),
            ato.groups().size(),
            ato.totalSteps(),
            String.format(Locale.ROOT, "%.1f", 100 * reduction),
            String.format(Locale.ROOT, "%,d", ato.cost().flops()));
        phase.reset().start();
        try (AtoResult result = ato.fit()) {
          double trainingSeconds = seconds(phase);
          phase.reset().start();
          Path staging = directory.staging();
          try (CompressedModel inference = result.compressed().forInference()) {
            result.compressed().save(staging.resolve(MODEL_DIRECTORY));
            inference.save(staging.resolve(SERVING_DIRECTORY));
            // The staging directory is renamed into place whole, so a plain write is enough.
            byte[] onnx = OnnxExport.of(inference).toByteArray();
            Files.write(staging.resolve(ONNX_FILE), onnx);
            double savingSeconds = seconds(phase);
            phase.reset().start();
            RunReport.Scores scores =
                new RunReport.Scores(
                    result.metric(),
                    result.maskedMetric(),
                    result.compressedMetric(),
                    SavedModelCheck.accuracy(staging.resolve(MODEL_DIRECTORY), images.test()),
                    SavedModelCheck.accuracy(staging.resolve(SERVING_DIRECTORY), images.test()),
                    onnxAccuracy(onnx, images));
            double reloadingSeconds = seconds(phase);
            phase.reset().start();
            LOG.info(
                "timing the dense and the compressed networks, in DJL and in ONNX Runtime, "
                    + "at batch 1 and {}",
                length.batch);
            ImmutableList<PruningSpeed.Figure> latency =
                latency(ato, result.compressed(), inference, onnx, images.imageShape().getShape());
            double latencySeconds = seconds(phase);
            RunReport report =
                new RunReport(
                    RunReport.FORMAT,
                    commandLine(),
                    settings(),
                    JsonParser.parseString(result.config().toJson()),
                    network.description(),
                    images.description(),
                    Versions.environment(chosen),
                    trace.info().orElse(null),
                    RunReport.Cost.of(result),
                    scores,
                    new RunReport.WallTimes(
                        dataSeconds,
                        buildSeconds,
                        trainingSeconds,
                        savingSeconds,
                        reloadingSeconds,
                        latencySeconds,
                        seconds(total)),
                    result.epochs(),
                    result.controllerUpdates(),
                    trace.steps(),
                    result.channels(),
                    RunReport.Artifacts.of(MODEL_DIRECTORY, SERVING_DIRECTORY, ONNX_FILE),
                    latency);
            report.write(staging.resolve(RunReport.FILE_NAME));
            ReportCharts.write(report, staging);
            ReportPage.write(report, staging);
            directory.commit();
            if (!noCheckpoints) {
              // The finished report holds the result now; the checkpoints were for a crash.
              checkpointSettings().clear();
            }
            printSummary(out, result, report, directory.target());
          }
        }
      }
    }
    out.flush();
    return 0;
  }

  private void printSummary(PrintWriter out, AtoResult result, RunReport report, Path target) {
    RunReport.Scores scores = report.scores();
    out.println(result.summary());
    out.println("FLOPs budget " + result.budget());
    out.println("channel rounding: " + result.budget().rounding());
    out.printf(
        Locale.ROOT,
        "%s of the saved network, loaded back: %.4f; its inference form: "
            + "%.4f; model.onnx in ONNX Runtime: %s%n",
        result.metric(),
        scores.reloaded(),
        scores.served(),
        Double.isNaN(scores.onnx())
            ? "not measured (see the warning above)"
            : String.format(Locale.ROOT, "%.4f", scores.onnx()));
    out.println(
        "compressed network, trainable form (to fine-tune): " + target.resolve(MODEL_DIRECTORY));
    out.println(
        "compressed network, inference form (batch norms folded; serve this one): "
            + target.resolve(SERVING_DIRECTORY));
    out.println(
        "the inference form as ONNX (opset "
            + OnnxExport.OPSET_VERSION
            + "): "
            + target.resolve(ONNX_FILE));
    for (String runtime : List.of(DJL, ONNX_RUNTIME)) {
      String figures =
          report.latency().stream()
              .filter(f -> f.runtime().equals(runtime) && !f.network().equals(DENSE))
              .map(
                  f ->
                      String.format(
                          Locale.ROOT,
                          "%s at batch %d %.2fx (%.2f ms against %.2f)",
                          f.network(),
                          f.batch(),
                          f.speedup(),
                          f.milliseconds(),
                          f.milliseconds() * f.speedup()))
              .collect(Collectors.joining("; "));
      out.println(
          "speed-up over the dense network in "
              + runtime
              + ": "
              + (figures.isEmpty() ? "not measured (see the warning above)" : figures));
    }
    out.println(
        "report: "
            + target.resolve(ReportPage.FILE_NAME)
            + " (charts "
            + String.join(", ", ReportCharts.ALL)
            + ", figures "
            + RunReport.FILE_NAME
            + ")");
  }

  private static final String DJL = "DJL";
  private static final String ONNX_RUNTIME = "ONNX Runtime";
  private static final String DENSE = "dense";

  /**
   * The dense and the compressed networks timed in DJL (both forms) and in ONNX Runtime, at batch 1
   * and at the training batch.
   */
  private ImmutableList<PruningSpeed.Figure> latency(
      AutoTrainOnce ato,
      CompressedModel trainable,
      CompressedModel inference,
      byte[] onnx,
      long[] inputShape) {
    int threads = Runtime.getRuntime().availableProcessors();
    List<Integer> batches = length.batch == 1 ? List.of(1) : List.of(1, length.batch);
    ImmutableList.Builder<PruningSpeed.Figure> figures = ImmutableList.builder();
    try (Forwards networks = new Forwards()) {
      figures.addAll(
          PruningSpeed.measure(
              List.of(
                  new PruningSpeed.Backend(
                      DJL,
                      networks.openAll(
                          List.of(
                              () -> new DjlForward(DENSE, ato.model().getBlock()),
                              () -> new DjlForward("compressed, trainable form", trainable.block()),
                              () ->
                                  new DjlForward(
                                      "compressed, inference form", inference.block()))))),
              inputShape,
              batches,
              LATENCY_SECONDS));
    }
    try (Forwards networks = new Forwards()) {
      figures.addAll(
          PruningSpeed.measure(
              List.of(
                  new PruningSpeed.Backend(
                      ONNX_RUNTIME,
                      networks.openAll(
                          List.of(
                              () ->
                                  new OnnxForward(
                                      DENSE, OnnxExport.of(ato.graph()).toByteArray(), threads),
                              () ->
                                  new OnnxForward(
                                      "compressed, inference form (model.onnx)", onnx, threads))))),
              inputShape,
              batches,
              LATENCY_SECONDS));
    } catch (RuntimeException | LinkageError e) {
      // The run's results stand without these figures: say so, and keep them.
      LOG.warn(
          "ONNX Runtime could not time the networks here ({}): the report has DJL's "
              + "figures only",
          e.toString());
    }
    return figures.build();
  }

  /** The accuracy of model.onnx in ONNX Runtime, or NaN, with a warning, where it cannot run. */
  private static double onnxAccuracy(byte[] onnx, ImageData images) {
    try {
      return SavedModelCheck.onnxAccuracy(onnx, images.test());
    } catch (IOException | RuntimeException | LinkageError e) {
      LOG.warn(
          "ONNX Runtime could not run model.onnx here ({}); the file is written, its "
              + "accuracy not measured",
          e.toString());
      return Double.NaN;
    }
  }

  /** The multiple asked for by --channel-multiple, or empty for auto. */
  private Optional<Integer> channelMultiple() {
    if (channelMultiple.equalsIgnoreCase("auto")) {
      return Optional.empty();
    }
    try {
      int multiple = Integer.parseInt(channelMultiple.strip());
      if (multiple >= 1) {
        return Optional.of(multiple);
      }
    } catch (NumberFormatException e) {
      // Reported below with what is accepted.
    }
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "--channel-multiple takes auto "
            + "or a whole number of at least 1 (1: no rounding; 8 or 16 are engines' channel "
            + "blocks), found '"
            + channelMultiple
            + "'");
  }

  /** The checkpoints the options ask for. */
  private Checkpoints checkpointSettings() {
    Checkpoints.Builder saving = Checkpoints.in(checkpointPath()).optEveryEpochs(checkpointEvery);
    if (checkpointSteps != null) {
      saving.optEverySteps(checkpointSteps);
    }
    return saving.build();
  }

  /** Where the checkpoints go: asked for, or next to the output directory. */
  private Path checkpointPath() {
    if (checkpoints != null) {
      return checkpoints;
    }
    Path out = outputPath().toAbsolutePath().normalize();
    return out.resolveSibling(out.getFileName() + "-checkpoints");
  }

  private Path outputPath() {
    return output != null ? output : Path.of("ato-output", spec.name());
  }

  private ImageData readData() throws IOException {
    DataFormat resolved = resolveFormat();
    ImageData.Builder builder =
        ImageData.builder()
            .setFormat(resolved)
            .setDirectory(data)
            .setBatchSize(length.batch)
            .optAugmentation(resolveAugmentation(resolved))
            .optSeed(seeding.seed);
    if (trainLimit != null) {
      builder.optTrainLimit(trainLimit);
    }
    if (testLimit != null) {
      builder.optTestLimit(testLimit);
    }
    if (resolved == DataFormat.FOLDER) {
      builder.optImageSize(imageSize);
    }
    if (cropPadding != null) {
      builder.optCropPadding(cropPadding);
    }
    return builder.build();
  }

  private DataFormat resolveFormat() throws IOException {
    if (format != Format.AUTO) {
      return DataFormat.valueOf(format.name());
    }
    return DataFormats.recognise(data);
  }

  private Augmentation resolveAugmentation(DataFormat resolved) {
    return switch (augmentation) {
      case NONE -> Augmentation.NONE;
      case CROP -> Augmentation.CROP;
      case CROP_FLIP -> Augmentation.CROP_FLIP;
      case AUTO ->
          resolved != DataFormat.IDX || data.toString().toLowerCase(Locale.ROOT).contains("fashion")
              ? Augmentation.CROP_FLIP
              : Augmentation.NONE;
    };
  }

  private Optimizer optimizer(Tracker rates) {
    return switch (optimizer) {
      case SGD ->
          Optimizer.sgd()
              .setLearningRateTracker(rates)
              .optMomentum(momentum)
              .optWeightDecays(weightDecay)
              .build();
      case ADAM ->
          Optimizer.adam().optLearningRateTracker(rates).optWeightDecays(weightDecay).build();
      case ADAMW ->
          Optimizer.adamW().optLearningRateTracker(rates).optWeightDecays(weightDecay).build();
    };
  }

  private void controllerOptions(AutoTrainOnceBuilder options) {
    if (controllerUpdates != null) {
      options.optControllerUpdates(controllerUpdates);
    }
    if (controllerInterval != null) {
      options.optControllerInterval(controllerInterval);
    }
    if (controllerWindow != null) {
      if (controllerWindow.size() != 3) {
        throw new IllegalArgumentException(
            "--controller-window takes the controller start, the "
                + "projection start and the controller end, e.g. 0.1,0.2,0.5; found "
                + controllerWindow);
      }
      options.optSchedule(
          controllerWindow.get(0), controllerWindow.get(1), controllerWindow.get(2));
    }
  }

  private Device device() {
    if (device == DeviceChoice.CPU) {
      return Device.cpu();
    }
    int gpus = Engine.getInstance().getGpuCount();
    if (gpus == 0) {
      throw new IllegalArgumentException(
          "--device gpu: libtorch sees no GPU (the CPU flavour "
              + "of libtorch is on the class path, or no CUDA driver is installed); see docs/gpu.md");
    }
    return Device.gpu();
  }

  private String commandLine() {
    List<String> args = spec.commandLine().getParseResult().originalArgs();
    return "ato " + String.join(" ", args);
  }

  /** Every option of the command with the value it had, defaults included. */
  private ImmutableMap<String, Object> settings() {
    Map<String, Object> settings = new LinkedHashMap<>();
    for (OptionSpec option : spec.options()) {
      if (option.usageHelp() || option.versionHelp()) {
        continue;
      }
      Object value = option.getValue();
      settings.put(
          option.longestName().replaceFirst("^--", ""),
          value instanceof Path || value instanceof Enum<?>
              ? value.toString()
              : value == null ? "default" : value);
    }
    settings.put("output", outputPath().toString());
    settings.put("checkpoints", noCheckpoints ? "none" : checkpointPath().toString());
    return ImmutableMap.copyOf(settings);
  }

  private static double seconds(Stopwatch watch) {
    return watch.elapsed(TimeUnit.MILLISECONDS) / 1e3;
  }

  /**
   * Reads "group-lasso" or "half-space" (either case, '_' for '-') as the projection of that kind
   * with its default settings; the command sets the half-space epsilon from its own option.
   */
  static final class ProjectionConverter implements CommandLine.ITypeConverter<Projection> {
    @Override
    public Projection convert(String value) {
      return switch (value.toLowerCase(Locale.ROOT).replace('_', '-')) {
        case "group-lasso" -> Projection.groupLasso();
        case "half-space" -> Projection.halfSpace(Projection.HalfSpace.DEFAULT_EPSILON);
        default ->
            throw new CommandLine.TypeConversionException(
                "'" + value + "' is not a projection: use group-lasso or half-space");
      };
    }
  }
}
