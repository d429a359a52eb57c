package dev.ato.examples.bench;

import ai.djl.Model;
import ai.djl.basicmodelzoo.cv.classification.VGG;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import com.google.common.base.Stopwatch;
import dev.ato.cost.CostModel;
import dev.ato.djl.AtoListener;
import dev.ato.djl.AtoResult;
import dev.ato.djl.AutoTrainOnce;
import dev.ato.djl.graph.ModelGraph;
import dev.ato.djl.graph.ModelReader;
import dev.ato.examples.latency.Stats;
import dev.ato.examples.models.CifarResNet;
import dev.ato.examples.models.ZooModels;
import dev.ato.groups.GroupSet;
import dev.ato.groups.ZeroInvariantGroups;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * How ATO's own parts grow with the model: for networks from ResNet-20 to ResNet-50 and a wide VGG,
 * the groups and controller blocks, what {@code build()} takes (reading the block tree, finding the
 * groups, the cost model), projection per step, one controller update and the process's peak
 * memory, each beside one plain DJL training step and plain training's peak memory. Random images
 * stand in for data: only times and sizes are measured.
 */
@Command(
    name = "scaling",
    mixinStandardHelpOptions = true,
    description = "ATO's build, projection, controller update and memory against the model's size.")
final class ScalingBenchmark implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(ScalingBenchmark.class);
  private static final Path STATUS = Path.of("/proc/self/status");
  private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");
  private static final Pattern PEAK = Pattern.compile("VmHWM:\\s+(\\d+) kB");

  /** A measured network: its name on the page, its input and batch, and how to build it. */
  enum Network {
    RESNET20("CIFAR ResNet-20", 1, 28, 64),
    RESNET56("CIFAR ResNet-56", 1, 28, 64),
    RESNET110("CIFAR ResNet-110", 1, 28, 64),
    VGG16("VGG-16, widths 64-512, 4096-wide classifier", 3, 32, 32),
    MOBILENETV2_224("MobileNetV2 (DJL zoo)", 3, 224, 8),
    RESNET50_224("ResNet-50 (DJL zoo)", 3, 224, 8);

    final String shown;
    final int channels;
    final int side;
    final int batch;

    Network(String shown, int channels, int side, int batch) {
      this.shown = shown;
      this.channels = channels;
      this.side = side;
      this.batch = batch;
    }

    /** One image's shape, channels first. */
    Shape image() {
      return new Shape(channels, side, side);
    }

    Block build() {
      return switch (this) {
        case RESNET20 -> cifarResNet(20);
        case RESNET56 -> cifarResNet(56);
        case RESNET110 -> cifarResNet(110);
        case VGG16 -> vgg16();
        case MOBILENETV2_224 -> ZooModels.mobileNetV2(1.0, classes());
        case RESNET50_224 -> ZooModels.resNetV1(50, image(), classes());
      };
    }

    int classes() {
      return this == RESNET50_224 || this == MOBILENETV2_224 ? 1000 : 10;
    }

    /**
     * The builder's SGD, but at a fiftieth of its rate for VGG: without batch norms it diverges at
     * 0.05 within two steps (ATO stops a diverged run), and its rate does not change its times.
     */
    Optimizer optimizer() {
      return this == VGG16
          ? Optimizer.sgd()
              .setLearningRateTracker(Tracker.fixed(0.001f))
              .optMomentum(0.9f)
              .optWeightDecays(5e-4f)
              .build()
          : SpeedBenchmark.sgd();
    }
  }

  @ParentCommand Benchmarks parent;

  @Option(
      names = "--models",
      split = ",",
      defaultValue = "RESNET20,RESNET56,RESNET110,VGG16,MOBILENETV2_224,RESNET50_224",
      description = "Networks, from ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
  List<Network> networks;

  @Option(
      names = "--steps",
      defaultValue = "20",
      description =
          "Batches of random images per network: the ATO run's steps, and as many plain ones"
              + " (default ${DEFAULT-VALUE}).")
  int steps;

  @Option(
      names = "--skip",
      defaultValue = "3",
      description = "First steps of each loop left out of the medians (default ${DEFAULT-VALUE}).")
  int skip;

  @Option(names = "--row", defaultValue = "scaling", description = "Result name.")
  String row;

  @Override
  public Integer call() throws IOException, TranslateException {
    parent.configureEngine();
    Map<String, Double> figures = new LinkedHashMap<>();
    for (Network network : networks) {
      LOG.info("scaling: {}", network.shown);
      measure(network, figures);
    }
    figures.put("steps", (double) steps);
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put(
        "networks",
        String.join(
            "; ",
            networks.stream()
                .map(n -> n.name().toLowerCase(Locale.ROOT) + ": " + describe(n))
                .toList()));
    settings.put(
        "data",
        steps
            + " batches of random images and labels per network (only times and sizes are"
            + " measured)");
    settings.put(
        "plain",
        "DJL's EasyTrain.trainBatch and Trainer.step with the builder's SGD (VGG's at 0.001:"
            + " without batch norms it diverges at 0.05): the median of the"
            + " steps after the first "
            + skip);
    settings.put(
        "ato",
        "build() on the builder's defaults, -50% FLOPs; a run over the same batches with the"
            + " controller at every step of its first half (median update after the first "
            + skip
            + " steps) and the mask frozen at half way, its pruned groups projected at each step"
            + " of the second half (median)");
    settings.put(
        "memory",
        "the process's peak resident memory (VmHWM, reset before each loop): plain training, and"
            + " ATO's build and run");
    parent.store(row, "scaling", settings, figures);
    return 0;
  }

  private static String describe(Network network) {
    return network.shown + ", input " + network.image() + ", batch " + network.batch;
  }

  private void measure(Network network, Map<String, Double> figures)
      throws IOException, TranslateException {
    String key = network.name().toLowerCase(Locale.ROOT) + "_";
    try (NDManager manager = NDManager.newBaseManager()) {
      ArrayDataset data = randomImages(manager, network);
      figures.putAll(prefixed(key, plain(network, data)));
      figures.putAll(prefixed(key, parts(network)));
      figures.putAll(prefixed(key, ato(network, data)));
    }
  }

  private static Map<String, Double> prefixed(String key, Map<String, Double> figures) {
    Map<String, Double> named = new LinkedHashMap<>();
    figures.forEach((name, value) -> named.put(key + name, value));
    return named;
  }

  private ArrayDataset randomImages(NDManager manager, Network network) {
    Engine.getInstance().setRandomSeed(42);
    int records = steps * network.batch;
    NDArray images = manager.randomNormal(new Shape(records).addAll(network.image()));
    NDArray labels =
        manager.randomInteger(0, network.classes(), new Shape(records), DataType.INT64);
    return new ArrayDataset.Builder()
        .setData(images)
        .optLabels(labels)
        .setSampling(network.batch, false)
        .build();
  }

  /** Plain DJL training steps over the batches: the median step and the peak memory. */
  private Map<String, Double> plain(Network network, ArrayDataset data)
      throws IOException, TranslateException {
    resetPeakMemory();
    List<Double> seconds = new ArrayList<>();
    try (Model model = Model.newInstance("plain")) {
      model.setBlock(network.build());
      try (Trainer trainer =
          model.newTrainer(
              SpeedBenchmark.plainTraining(new TrainingListenerAdapter() {})
                  .optOptimizer(network.optimizer()))) {
        trainer.initialize(new Shape(1).addAll(network.image()));
        for (Batch batch : trainer.iterateDataset(data)) {
          try (batch) {
            long started = System.nanoTime();
            EasyTrain.trainBatch(trainer, batch);
            trainer.step();
            seconds.add((System.nanoTime() - started) / 1e9);
          }
        }
      }
    }
    Map<String, Double> figures = new LinkedHashMap<>();
    figures.put("plain_step_seconds", median(seconds));
    figures.put("plain_peak_bytes", peakMemory());
    return figures;
  }

  /** What {@code build()} does first, part by part: read the block tree, find groups, count. */
  private static Map<String, Double> parts(Network network) {
    try (Model model = Model.newInstance("parts")) {
      Block block = network.build();
      model.setBlock(block);
      block.initialize(
          model.getNDManager(), DataType.FLOAT32, new Shape(1).addAll(network.image()));
      // The first read runs the engine's first, slow passes through the network; build() meets
      // a warm engine (plain training runs before it), so the second read is the one timed.
      ModelReader.read(block, new Shape(1).addAll(network.image()), "warm-up");
      Stopwatch watch = Stopwatch.createStarted();
      ModelGraph graph = ModelReader.read(block, new Shape(1).addAll(network.image()), "parts");
      double read = seconds(watch);
      watch.reset().start();
      GroupSet groups = ZeroInvariantGroups.find(graph.graph());
      double find = seconds(watch);
      watch.reset().start();
      CostModel cost = CostModel.of(graph.graph(), groups);
      double count = seconds(watch);
      Map<String, Double> figures = new LinkedHashMap<>();
      figures.put("read_seconds", read);
      figures.put("groups_seconds", find);
      figures.put("cost_seconds", count);
      figures.put("groups", (double) groups.size());
      figures.put("controller_blocks", (double) groups.blocks().size());
      figures.put("macs", (double) cost.flops());
      figures.put("layers", (double) graph.graph().nodes().size());
      return figures;
    }
  }

  /**
   * ATO on the builder's defaults but its schedule: the controller at every step of the first half,
   * so that each step of it after the first few times an update; the mask freezes at half way,
   * about half of the groups pruned, and each step of the second half times their projection (its
   * cost grows with the groups pruned, which the controller's few updates on random data leave near
   * zero before the freeze).
   */
  private Map<String, Double> ato(Network network, ArrayDataset data) throws IOException {
    resetPeakMemory();
    List<Double> projection = new ArrayList<>();
    List<Double> controller = new ArrayList<>();
    AtoListener clock =
        new AtoListener() {
          @Override
          public void onStep(StepInfo step) {
            if (step.step() > step.totalSteps() / 2 && step.projected()) {
              projection.add(step.projectionSeconds());
            } else if (step.step() >= skip && step.controllerSeconds() > 0) {
              controller.add(step.controllerSeconds());
            }
          }
        };
    Stopwatch watch = Stopwatch.createStarted();
    Map<String, Double> figures = new LinkedHashMap<>();
    try (AutoTrainOnce ato =
        AutoTrainOnce.builder()
            .setBlock(network.build())
            .setInputShape(new Shape(1).addAll(network.image()))
            .setTrainingData(data)
            .setFlopsReduction(0.5)
            .setEpochs(1)
            .optOptimizer(network.optimizer())
            .optSchedule(0, 0, 0.5)
            .optControllerInterval(1)
            // The dense model trains to the end, so that every step of the second half projects.
            .optTrainCompressedAfterFreeze(false)
            .optSeed(42)
            .addListener(clock)
            .build()) {
      figures.put("build_seconds", seconds(watch));
      try (AtoResult result = ato.fit()) {
        LOG.info("scaling, {}: {}", network.shown, result.summary());
      }
    }
    figures.put("projection_seconds", median(projection));
    figures.put("controller_update_seconds", median(controller));
    figures.put("ato_peak_bytes", peakMemory());
    return figures;
  }

  private static double median(List<Double> values) {
    return Stats.of(values).median();
  }

  private static double seconds(Stopwatch watch) {
    return watch.elapsed(TimeUnit.MICROSECONDS) / 1e6;
  }

  /** Resets the kernel's record of the process's peak resident memory (Linux 4.0 and later). */
  private static void resetPeakMemory() throws IOException {
    System.gc();
    Files.writeString(CLEAR_REFS, "5");
  }

  private static double peakMemory() throws IOException {
    Matcher m = PEAK.matcher(Files.readString(STATUS));
    if (!m.find()) {
      throw new IOException("no VmHWM line in " + STATUS + ": peak memory needs Linux's /proc");
    }
    return Long.parseLong(m.group(1)) * 1024.0;
  }

  private static Block cifarResNet(int depth) {
    return CifarResNet.builder().setDepth(depth).setClasses(10).build();
  }

  private static Block vgg16() {
    return VGG.builder()
        .setNumLayers(16)
        .setConvArch(new int[][] {{2, 64}, {2, 128}, {3, 256}, {3, 512}, {3, 512}})
        .setOutSize(10)
        .build();
  }
}
