package dev.ato.examples.bench;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.TrainingResult;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.listener.EvaluatorTrainingListener;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import dev.ato.djl.AtoListener;
import dev.ato.djl.AtoResult;
import dev.ato.djl.AutoTrainOnce;
import dev.ato.djl.AutoTrainOnceBuilder;
import dev.ato.djl.EpochMetrics;
import dev.ato.djl.cost.FlopsCounter;
import dev.ato.djl.engine.EngineCheck;
import dev.ato.djl.engine.NoGrad;
import dev.ato.examples.TrainingOptions;
import dev.ato.examples.data.DataFormat;
import dev.ato.examples.data.FashionMnist;
import dev.ato.examples.data.ImageData;
import dev.ato.examples.latency.Stats;
import dev.ato.examples.models.CifarResNet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * The speed row: plain DJL training, ATO on the builder's defaults, ATO with the paper's controller
 * interval, and the PyTorch eager peer, on the same network, data and batch, taking turns so that a
 * slow spell of the machine falls on all of them in a round; each ATO loop is set against plain
 * training round by round. Then inference of the compressed networks against the dense one, in as
 * many rounds. Stores one result and writes the page again.
 */
@Command(
    name = "speed",
    mixinStandardHelpOptions = true,
    description = "Training and inference speed: plain DJL, ATO and PyTorch eager side by side.")
final class SpeedBenchmark implements Callable<Integer> {

  @Mixin TrainingOptions.Length length = new TrainingOptions.Length(2, 128);
  private static final Logger LOG = LoggerFactory.getLogger(SpeedBenchmark.class);
  private static final Shape IMAGE = new Shape(1, 28, 28);

  /** The loop every other is set against, round by round. */
  static final String PLAIN = "plain_djl";

  /** ATO as the README runs it: the builder's defaults. */
  static final String ATO_DEFAULTS = "ato_defaults";

  /** ATO with the paper's controller interval and no channel rounding. */
  static final String ATO_INTERVAL_20 = "ato_interval_20";

  static final String PYTORCH = "pytorch";
  static final String PYTORCH_OWN_ISA = "pytorch_own_isa";

  @ParentCommand Benchmarks parent;

  @Option(names = "--depth", defaultValue = "20", description = "CIFAR ResNet depth.")
  int depth;

  @Option(
      names = "--images",
      defaultValue = "6400",
      description = "Fashion-MNIST training images read (ATO holds 5%% of them out).")
  int images;

  @Option(
      names = "--repeats",
      defaultValue = "5",
      description = "Rounds, each running every loop once in turn (default ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--warmup", defaultValue = "5", description = "Steps not timed at a start.")
  int warmup;

  @Option(
      names = "--inference-runs",
      defaultValue = "50",
      description = "Forward passes timed per network, batch size and round.")
  int inferenceRuns;

  @Option(
      names = "--widths",
      defaultValue = "16,12,11,8",
      split = ",",
      description =
          "First-stage widths of dense networks whose inference is timed too, to show "
              + "what channel counts cost on this engine.")
  List<Integer> widths;

  @Option(names = "--reduction", defaultValue = "0.5", description = "FLOPs reduction of ATO.")
  double reduction;

  @Option(names = "--no-peer", description = "Leave the PyTorch eager runs out.")
  boolean noPeer;

  @Option(
      names = "--python",
      defaultValue = "/usr/bin/python3",
      description = "Python with (or to get) Debian's python3-torch.")
  String python;

  @Option(names = "--row", defaultValue = "speed-resnet20", description = "Result name.")
  String row;

  @Override
  public Integer call() throws IOException, TranslateException {
    parent.configureEngine();
    Path data = FashionMnist.directory();
    PytorchPeer peer = noPeer ? null : PytorchPeer.on(python);
    Map<String, List<Double>> seconds = new LinkedHashMap<>();
    List<Double> projectionShares = new ArrayList<>();
    Map<String, Double> figures = new LinkedHashMap<>();
    try (ImageData images =
        ImageData.builder()
            .setFormat(DataFormat.IDX)
            .setDirectory(data)
            .setBatchSize(length.batch)
            .optTrainLimit(this.images)
            .optTestLimit(length.batch)
            .optSeed(42)
            .build()) {
      for (int repeat = 1; repeat <= repeats; repeat++) {
        LOG.info("speed, round {} of {}", repeat, repeats);
        Map<String, Double> firstRound = repeat == 1 ? figures : null;
        add(seconds, PLAIN, plainDjl(images));
        AtoTimes defaults = ato(images, 0, firstRound, "");
        add(seconds, ATO_DEFAULTS, defaults.stepSeconds());
        projectionShares.add(defaults.projectionShare());
        add(seconds, ATO_INTERVAL_20, ato(images, 20, firstRound, "unrounded_").stepSeconds());
        if (peer != null) {
          String isa = System.getenv(EngineCheck.ISA_VARIABLE);
          add(seconds, PYTORCH, pytorch(peer, data, isa));
          add(seconds, PYTORCH_OWN_ISA, pytorch(peer, data, null));
        }
      }
    }
    seconds.forEach((loop, values) -> putRange(figures, loop + "_step_seconds", values));
    for (String ato : List.of(ATO_DEFAULTS, ATO_INTERVAL_20)) {
      putRange(figures, ato + "_vs_plain", ratios(seconds.get(PLAIN), seconds.get(ato)));
    }
    if (peer != null) {
      for (String loop : List.of(PLAIN, ATO_DEFAULTS)) {
        putRange(figures, loop + "_vs_pytorch", ratios(seconds.get(PYTORCH), seconds.get(loop)));
      }
      putRange(
          figures,
          PLAIN + "_vs_pytorch_own_isa",
          ratios(seconds.get(PYTORCH_OWN_ISA), seconds.get(PLAIN)));
    }
    putRange(figures, "projection_share", projectionShares);
    figures.put("batch", (double) length.batch);
    figures.put("repeats", (double) repeats);
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("network", "CIFAR ResNet-" + depth + " (width 16), input 1x28x28");
    settings.put("data", "Fashion-MNIST, first " + this.images + " training images");
    settings.put(
        "training",
        length.epochs
            + " epochs, batch "
            + length.batch
            + ", SGD 0.05, momentum 0.9, "
            + "weight decay 5e-4; the first "
            + warmup
            + " steps and each epoch's first step "
            + "not timed");
    settings.put(
        "ato",
        "FLOPs reduction "
            + reduction
            + "; the builder's defaults (controller spacing, channel rounding), and once more "
            + "with the controller every 20 steps (the paper's interval) and channels unrounded");
    settings.put(
        "repeats",
        repeats
            + " rounds in turns; medians with min-max, and each ATO loop's speed against plain"
            + " DJL in the same round");
    if (peer != null) {
      settings.put(
          "pytorch",
          "PyTorch "
              + peer.torchVersion()
              + " eager (Debian python3-torch), "
              + "same network, optimiser, batch and threads (1 inter-op)");
    }
    parent.store(row, "speed", settings, figures);
    return 0;
  }

  private double pytorch(PytorchPeer peer, Path data, String isa) throws IOException {
    return peer.meanStepSeconds(
        data, depth, images, length.batch, length.epochs, parent.threads(), warmup, isa);
  }

  /** Each round's {@code reference / loop}: how fast the loop runs against the reference. */
  static List<Double> ratios(List<Double> referenceSeconds, List<Double> loopSeconds) {
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < loopSeconds.size(); i++) {
      ratios.add(referenceSeconds.get(i) / loopSeconds.get(i));
    }
    return ratios;
  }

  /** Stores the median of {@code values} under {@code name}, the lowest and highest beside it. */
  static void putRange(Map<String, Double> figures, String name, List<Double> values) {
    Stats stats = Stats.of(values);
    figures.put(name, stats.median());
    figures.put(name + "_min", stats.min());
    figures.put(name + "_max", stats.max());
  }

  private static void add(Map<String, List<Double>> seconds, String loop, double value) {
    LOG.info("{}: {} s per step", loop, String.format(Locale.ROOT, "%.4f", value));
    seconds.computeIfAbsent(loop, k -> new ArrayList<>()).add(value);
  }

  private Block network() {
    return CifarResNet.builder().setDepth(depth).setClasses(10).build();
  }

  /** The builder's default optimiser, for plain training to match: SGD 0.05, momentum 0.9. */
  static Optimizer sgd() {
    return Optimizer.sgd()
        .setLearningRateTracker(Tracker.fixed(0.05f))
        .optMomentum(0.9f)
        .optWeightDecays(5e-4f)
        .build();
  }

  /**
   * Plain DJL training as a user configures it, to set ATO against: softmax cross-entropy, the
   * builder's SGD, accuracy, and {@code progress} besides DJL's evaluator listener.
   */
  static DefaultTrainingConfig plainTraining(TrainingListener progress) {
    return new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
        .optOptimizer(sgd())
        .addEvaluator(new Accuracy())
        .addTrainingListeners(new EvaluatorTrainingListener(), progress);
  }

  /** DJL's own training loop, {@code EasyTrain.fit}, as a DJL user writes it. */
  private double plainDjl(ImageData data) throws IOException, TranslateException {
    Engine.getInstance().setRandomSeed(42);
    StepClock clock = new StepClock(warmup);
    try (Model model = Model.newInstance("plain")) {
      model.setBlock(network());
      DefaultTrainingConfig config =
          plainTraining(
              new TrainingListenerAdapter() {
                @Override
                public void onTrainingBatch(Trainer trainer, BatchData batchData) {
                  clock.stepEnded();
                }

                @Override
                public void onEpoch(Trainer trainer) {
                  clock.epochEnded();
                }
              });
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(new Shape(1).addAll(IMAGE));
        clock.start();
        EasyTrain.fit(trainer, length.epochs, data.train(), null);
        TrainingResult result = trainer.getTrainingResult();
        LOG.info("plain DJL: loss {}", result.getTrainLoss());
      }
    }
    return clock.meanSeconds();
  }

  /** An ATO loop's mean seconds per step and the median share of projection in its steps. */
  private record AtoTimes(double stepSeconds, double projectionShare) {}

  /**
   * An ATO run on the builder's defaults ({@code interval} 0), or with the controller every {@code
   * interval} steps and channels unrounded; with {@code figures}, also the inference of its
   * compressed network against the dense one, under figure names that start with {@code prefix},
   * and for the defaults the controller's figures and the widths table.
   */
  private AtoTimes ato(ImageData data, int interval, Map<String, Double> figures, String prefix) {
    StepClock clock = new StepClock(warmup);
    List<Double> train = new ArrayList<>();
    List<Double> projectionShare = new ArrayList<>();
    List<Double> controller = new ArrayList<>();
    AtoListener listener =
        new AtoListener() {
          @Override
          public void onStart(RunInfo info) {
            clock.start();
          }

          @Override
          public void onStep(StepInfo step) {
            clock.stepEnded();
            if (step.controllerSeconds() > 0) {
              controller.add(step.controllerSeconds());
            }
            if (step.step() < warmup) {
              return;
            }
            // Controller updates are weighed against the dense model's steps, not the compressed
            // network's after the swap.
            if (!step.trainedCompressed()) {
              train.add(step.trainSeconds());
            }
            if (step.projected()) {
              projectionShare.add(
                  step.projectionSeconds() / (step.trainSeconds() + step.projectionSeconds()));
            }
          }

          @Override
          public void onEpoch(EpochMetrics metrics) {
            clock.epochEnded();
          }
        };
    AutoTrainOnceBuilder builder =
        AutoTrainOnce.builder()
            .setBlock(network())
            .setInputShape(new Shape(1).addAll(IMAGE))
            .setTrainingData(data.train())
            .setFlopsReduction(reduction)
            .setEpochs(length.epochs)
            .optSeed(42)
            .addListener(listener);
    if (interval > 0) {
      builder.optControllerInterval(interval).optChannelMultiple(1);
    }
    try (AutoTrainOnce ato = builder.build();
        AtoResult result = ato.fit()) {
      LOG.info(
          "ATO, controller {}: {}",
          interval > 0 ? "every " + interval + " steps" : "on the defaults",
          result.summary());
      if (figures != null) {
        figures.put(prefix + "flops_reduction", result.flopsReduction());
        figures.put(prefix + "flops_ratio", (double) result.flopsBefore() / result.flopsAfter());
        figures.put(prefix + "target_met", result.targetMet() ? 1.0 : 0.0);
        if (interval == 0) {
          List<AtoListener.ControllerUpdate> updates = result.controllerUpdates();
          figures.put(
              "controller_update_in_steps",
              Stats.of(controller).median() / Stats.of(train).median());
          figures.put("controller_updates", (double) updates.size());
          figures.put(
              "controller_interval",
              updates.size() < 2 ? 0.0 : (double) (updates.get(1).step() - updates.get(0).step()));
          figures.put("channel_multiple", (double) result.budget().rounding().multiple());
          uniformWidths(figures);
        }
        inference(ato.model().getBlock(), result.compressed().block(), figures, prefix);
      }
    }
    return new AtoTimes(clock.meanSeconds(), Stats.of(projectionShare).median());
  }

  /**
   * Forward passes in inference mode without autograd, the two networks taking turns, in as many
   * rounds as the training loops: each round's speed-up is the ratio of its medians. Each pass gets
   * its input in a scope of its own: DJL attaches a block's intermediate arrays to its input's
   * manager, so an input held by a long-lived manager would keep every pass's activations alive
   * until the end, and the passes would slow down as memory piles up (by 3 to 5 times here).
   */
  private void inference(
      Block dense, Block compressed, Map<String, Double> figures, String prefix) {
    for (int size : new int[] {1, 64}) {
      List<Double> denseSeconds = new ArrayList<>();
      List<Double> compressedSeconds = new ArrayList<>();
      for (int round = 0; round < repeats; round++) {
        List<Double> medians = medianForwardSeconds(List.of(dense, compressed), size);
        denseSeconds.add(medians.get(0));
        compressedSeconds.add(medians.get(1));
      }
      String batch = "_batch_" + size;
      figures.put("inference_" + prefix + "dense_seconds" + batch, Stats.of(denseSeconds).median());
      figures.put(
          "inference_" + prefix + "compressed_seconds" + batch,
          Stats.of(compressedSeconds).median());
      putRange(
          figures,
          "inference_" + prefix + "speedup" + batch,
          ratios(denseSeconds, compressedSeconds));
    }
  }

  /** Inference of dense networks of other widths, at batch 64. */
  private void uniformWidths(Map<String, Double> figures) {
    for (int width : widths) {
      Block block = CifarResNet.builder().setDepth(depth).setClasses(10).optWidth(width).build();
      try (NDManager manager = NDManager.newBaseManager()) {
        block.initialize(manager, DataType.FLOAT32, new Shape(1).addAll(IMAGE));
        figures.put(
            "inference_width_" + width + "_seconds_batch_64",
            medianForwardSeconds(List.of(block), 64).get(0));
        figures.put(
            "inference_width_" + width + "_macs",
            (double) FlopsCounter.count(block, new Shape(1).addAll(IMAGE)).flops());
      }
    }
  }

  /**
   * Median seconds of a forward pass of each block at batch {@code size}, in inference mode without
   * autograd, the blocks taking turns so that a slow spell falls on all of them.
   */
  private List<Double> medianForwardSeconds(List<Block> blocks, int size) {
    List<List<Double>> seconds =
        blocks.stream().map(b -> (List<Double>) new ArrayList<Double>()).toList();
    try (NDManager manager = NDManager.newBaseManager();
        NoGrad noGrad = NoGrad.enter()) {
      Shape shape = new Shape(size).addAll(IMAGE);
      float[] input = manager.randomNormal(shape).toFloatArray();
      for (int run = -warmup; run < inferenceRuns; run++) {
        for (int i = 0; i < blocks.size(); i++) {
          double pass = forwardSeconds(manager, blocks.get(i), input, shape);
          if (run >= 0) {
            seconds.get(i).add(pass);
          }
        }
      }
    }
    return seconds.stream().map(s -> Stats.of(s).median()).toList();
  }

  private static double forwardSeconds(NDManager manager, Block block, float[] input, Shape shape) {
    try (NDManager scope = manager.newSubManager()) {
      NDArray x = scope.create(input, shape);
      long started = System.nanoTime();
      NDList output = block.forward(new ParameterStore(scope, false), new NDList(x), false);
      output.head().toFloatArray();
      return (System.nanoTime() - started) / 1e9;
    }
  }
}
