package dev.ato.examples.bench;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.listener.EvaluatorTrainingListener;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import com.google.common.base.Stopwatch;
import dev.ato.config.MaskSource;
import dev.ato.cost.CostModel;
import dev.ato.djl.AtoResult;
import dev.ato.djl.AutoTrainOnce;
import dev.ato.djl.AutoTrainOnceBuilder;
import dev.ato.djl.MagnitudePruning;
import dev.ato.djl.Scoring;
import dev.ato.djl.cost.FlopsCounter;
import dev.ato.djl.subnet.CompressedModel;
import dev.ato.examples.LearningRateSchedule;
import dev.ato.examples.TrainingOptions;
import dev.ato.examples.data.Augmentation;
import dev.ato.examples.data.DataFormat;
import dev.ato.examples.data.FashionMnist;
import dev.ato.examples.data.ImageData;
import dev.ato.examples.latency.Stats;
import dev.ato.projection.Projection;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * The accuracy rows: test accuracy at a FLOPs budget of ATO with each projector against the dense
 * network and the alternatives at equal FLOPs, all trained with one recipe. Each row is stored as
 * soon as it is measured, with the seeds measured so far, so an interrupted run keeps what it
 * finished.
 */
@Command(
    name = "accuracy",
    mixinStandardHelpOptions = true,
    description =
        "Test accuracy at a FLOPs budget: ATO against dense, uniform scaling, "
            + "magnitude pruning and a magnitude-chosen fixed mask, one recipe for all.")
final class AccuracyBenchmark implements Callable<Integer> {

  @Mixin TrainingOptions.Length length = new TrainingOptions.Length(4, 64);
  @Mixin TrainingOptions.LearningRate rate = new TrainingOptions.LearningRate(0.05f);
  private static final Logger LOG = LoggerFactory.getLogger(AccuracyBenchmark.class);
  private static final Shape IMAGE = new Shape(1, 28, 28);
  private static final double HALF_SPACE_EPSILON = 0.1;

  /** The builder's own channel rounding. */
  private static final String AUTO = "auto";

  /**
   * The trainings the command can run, in the order given. {@code MAGNITUDE} prunes a dense network
   * trained for {@code --magnitude-epochs}; when that is {@code --epochs} and {@code DENSE} runs
   * too, both rows come from one dense training.
   */
  enum Run {
    DENSE,
    MAGNITUDE,
    ATO_GROUP_LASSO,
    ATO_HALF_SPACE,
    FIXED_MASK_HALF_SPACE,
    UNIFORM
  }

  @ParentCommand Benchmarks parent;

  /** The networks the rows can train, both CIFAR-style for 28x28 images. */
  enum Network {
    /** CIFAR ResNet of {@code --depth}, first-stage width 16. */
    RESNET,
    /** CIFAR MobileNetV2 of width multiplier {@code --width}. */
    MOBILENETV2
  }

  @Option(
      names = "--network",
      defaultValue = "RESNET",
      description =
          "The network every row trains: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
  Network networkKind;

  @Option(names = "--depth", defaultValue = "20", description = "CIFAR ResNet depth.")
  int depth;

  @Option(
      names = "--width",
      defaultValue = "1.0",
      description = "CIFAR MobileNetV2's width multiplier (default ${DEFAULT-VALUE}).")
  double mobileNetWidth;

  @Option(
      names = "--images",
      defaultValue = "10000",
      description =
          "Fashion-MNIST training images read (ATO holds 5%% of them out for its " + "controller).")
  int images;

  @Option(
      names = "--test-images",
      defaultValue = "10000",
      description = "Test images scored (the whole test set is 10,000).")
  int testImages;

  @Option(
      names = "--magnitude-epochs",
      description =
          "Epochs of the dense training that the magnitude rows prune (default: "
              + "--epochs). Torch-Pruning's protocol of 8 dense and 4 fine-tuning epochs against "
              + "ATO's 12 is --epochs 12 --magnitude-epochs 8 --fine-tune-epochs 4.")
  Integer magnitudeEpochs;

  @Option(
      names = "--fine-tune-epochs",
      defaultValue = "2",
      description = "Extra epochs of the fine-tuned magnitude-pruning row.")
  int fineTuneEpochs;

  @Option(
      names = "--fine-tune-learning-rate",
      defaultValue = "0.01",
      description = "Base rate of the fine-tuning, annealed the same way.")
  float fineTuneLearningRate;

  @Option(
      names = "--reductions",
      defaultValue = "0.5,0.65",
      split = ",",
      description = "FLOPs reductions of the pruned rows.")
  List<Double> reductions;

  @Option(
      names = "--seeds",
      defaultValue = "1",
      description =
          "Seeds per row (--first-seed, the next, ...): initial weights, shuffling, "
              + "augmentation.")
  int seeds;

  @Option(
      names = "--first-seed",
      defaultValue = "42",
      description =
          "The first seed measured (default ${DEFAULT-VALUE}). A stored row keeps the seeds it "
              + "has that this run does not measure, when it was measured on the same kind of "
              + "machine with the same settings: --first-seed 43 --seeds 2 adds seeds 43 and 44 "
              + "to rows of seed 42.")
  long firstSeed;

  @Option(
      names = "--channel-multiples",
      split = ",",
      defaultValue = "auto",
      description =
          "Channel rounding of the ATO rows, one row each: auto (the builder's "
              + "default), or a multiple (1: no rounding), e.g. auto,1,8,16.")
  List<String> channelMultiples;

  @Option(
      names = "--runs",
      split = ",",
      defaultValue =
          "DENSE,MAGNITUDE,ATO_GROUP_LASSO,ATO_HALF_SPACE,FIXED_MASK_HALF_SPACE," + "UNIFORM",
      description = "Trainings to run, in this order (${COMPLETION-CANDIDATES}).")
  List<Run> runs;

  private final Map<String, List<SeedRecords.Seed>> rows = new LinkedHashMap<>();
  private String augmentation;

  @Override
  public Integer call() throws IOException, TranslateException {
    for (String multiple : channelMultiples) {
      checkArgument(
          multiple.equalsIgnoreCase(AUTO) || multiple.strip().matches("[1-9]\\d*"),
          "--channel-multiples takes auto or whole numbers of at least 1, found '%s'",
          multiple);
    }
    checkArgument(
        length.epochs >= 1 && magnitudeEpochs() >= 1 && fineTuneEpochs >= 0,
        "--epochs and --magnitude-epochs must be at least 1 and --fine-tune-epochs at least 0, "
            + "found %s, %s and %s",
        length.epochs,
        magnitudeEpochs(),
        fineTuneEpochs);
    parent.configureEngine();
    checkArgument(seeds >= 1, "--seeds must be at least 1, found %s", seeds);
    for (int s = 0; s < seeds; s++) {
      long seed = firstSeed + s;
      LOG.info("accuracy, seed {} ({} of {})", seed, s + 1, seeds);
      try (ImageData data =
          ImageData.builder()
              .setFormat(DataFormat.IDX)
              .setDirectory(FashionMnist.directory())
              .setBatchSize(length.batch)
              .optTrainLimit(images)
              .optTestLimit(testImages)
              .optAugmentation(Augmentation.CROP_FLIP)
              .optSeed(seed)
              .build()) {
        this.augmentation =
            "augmentation "
                + data.augmentation()
                + (data.augmentation().crops()
                    ? " (crop padding " + ImageData.IDX_CROP_PADDING + ")"
                    : "");
        for (Run run : runs) {
          run(run, data, seed);
        }
      }
    }
    return 0;
  }

  private void run(Run run, ImageData data, long seed) throws IOException, TranslateException {
    boolean oneDenseTraining = runs.contains(Run.DENSE) && magnitudeEpochs() == length.epochs;
    switch (run) {
      case DENSE ->
          denseAndMagnitude(
              data, seed, length.epochs, oneDenseTraining && runs.contains(Run.MAGNITUDE));
      case MAGNITUDE -> {
        if (!oneDenseTraining) {
          denseAndMagnitude(data, seed, magnitudeEpochs(), true);
        }
      }
      default -> {
        for (double reduction : reductions) {
          prunedRun(run, data, seed, reduction);
        }
      }
    }
  }

  private void prunedRun(Run run, ImageData data, long seed, double reduction)
      throws IOException, TranslateException {
    switch (run) {
      case ATO_GROUP_LASSO -> {
        for (String multiple : channelMultiples) {
          ato(
              data,
              seed,
              reduction,
              Projection.groupLasso(),
              MaskSource.CONTROLLER,
              multiple,
              "ato-group-lasso",
              "ATO, group lasso (the builder's default)");
        }
      }
      case ATO_HALF_SPACE ->
          ato(
              data,
              seed,
              reduction,
              Projection.halfSpace(HALF_SPACE_EPSILON),
              MaskSource.CONTROLLER,
              AUTO,
              "ato-half-space",
              "ATO, half-space projection (epsilon " + HALF_SPACE_EPSILON + ")");
      case FIXED_MASK_HALF_SPACE ->
          ato(
              data,
              seed,
              reduction,
              Projection.halfSpace(HALF_SPACE_EPSILON),
              MaskSource.MAGNITUDE,
              AUTO,
              "fixed-mask-half-space",
              "half-space projection of a mask chosen by magnitude at the "
                  + "warm-up's end, no controller (MaskSource.MAGNITUDE)");
      case UNIFORM -> uniform(data, seed, reduction);
      default -> throw new IllegalArgumentException(run + " is not a pruned run");
    }
  }

  private static String epochCount(int count) {
    return count + (count == 1 ? " epoch" : " epochs");
  }

  private int magnitudeEpochs() {
    return magnitudeEpochs != null ? magnitudeEpochs : length.epochs;
  }

  /** The network the options choose, as every row of this run trains it. */
  RowNetwork rowNetwork() {
    return switch (networkKind) {
      case RESNET -> new RowNetwork.ResNet(depth);
      case MOBILENETV2 -> new RowNetwork.MobileNet(mobileNetWidth);
    };
  }

  private static Optimizer sgd(Tracker rates) {
    return Optimizer.sgd()
        .setLearningRateTracker(rates)
        .optMomentum(0.9f)
        .optWeightDecays(5e-4f)
        .build();
  }

  /**
   * A dense network trained for {@code denseEpochs}, then, if {@code prune}, magnitude pruning of
   * it at each reduction, as is and fine-tuned.
   */
  private void denseAndMagnitude(ImageData data, long seed, int denseEpochs, boolean prune)
      throws IOException, TranslateException {
    Engine.getInstance().setRandomSeed((int) seed);
    try (Model model = Model.newInstance("dense")) {
      model.setBlock(rowNetwork().build());
      double seconds = train(model, data.train(), denseEpochs, rate.learningRate);
      CostModel cost = FlopsCounter.count(model.getBlock(), inputShape());
      long flops = cost.flops();
      long parameters = cost.parameters();
      double denseAccuracy = Scoring.accuracy(model.getBlock(), data.test());
      if (denseEpochs == length.epochs) {
        record(
            new Outcome(
                "dense", "dense network", 0, seed, denseAccuracy, 0, 0, length.epochs, seconds));
      } else {
        record(
            new Outcome(
                "dense-for-magnitude",
                "dense network trained for "
                    + epochCount(denseEpochs)
                    + ", which the magnitude rows prune",
                0,
                seed,
                denseAccuracy,
                0,
                0,
                denseEpochs,
                seconds));
      }
      if (!prune) {
        return;
      }
      for (double reduction : reductions) {
        try (CompressedModel pruned =
            MagnitudePruning.prune(model.getBlock(), inputShape(), reduction)) {
          double cut = 1 - (double) pruned.cost().flops() / flops;
          double fewer = 1 - (double) pruned.cost().parameters() / parameters;
          record(
              new Outcome(
                  "magnitude",
                  "magnitude pruning of the trained dense network "
                      + "(MagnitudePruning), no fine-tuning",
                  reduction,
                  seed,
                  Scoring.accuracy(pruned.block(), data.test()),
                  cut,
                  fewer,
                  denseEpochs,
                  seconds));
          try (Model tuned = Model.newInstance("fine-tuned")) {
            tuned.setBlock(pruned.block());
            double tuning = train(tuned, data.train(), fineTuneEpochs, fineTuneLearningRate);
            record(
                new Outcome(
                    "magnitude-fine-tuned",
                    "magnitude pruning of the trained dense "
                        + "network, then "
                        + epochCount(fineTuneEpochs)
                        + " of fine-tuning at base rate "
                        + fineTuneLearningRate,
                    reduction,
                    seed,
                    Scoring.accuracy(pruned.block(), data.test()),
                    cut,
                    fewer,
                    denseEpochs + fineTuneEpochs,
                    seconds + tuning));
          }
        }
      }
    }
  }

  /** Uniform channel scaling: the width whose FLOPs come nearest the budget, from scratch. */
  private void uniform(ImageData data, long seed, double reduction)
      throws IOException, TranslateException {
    RowNetwork network = rowNetwork();
    long[] flopsAt = new long[network.widthSteps() + 1];
    for (int w = 1; w <= network.widthSteps(); w++) {
      flopsAt[w] = macs(w);
    }
    long dense = flopsAt[network.widthSteps()];
    int width = network.widthSteps();
    for (int w = 1; w <= network.widthSteps(); w++) {
      if (Math.abs(1 - (double) flopsAt[w] / dense - reduction)
          < Math.abs(1 - (double) flopsAt[width] / dense - reduction)) {
        width = w;
      }
    }
    Engine.getInstance().setRandomSeed((int) seed);
    try (Model model = Model.newInstance("uniform")) {
      model.setBlock(network.build(width));
      double seconds = train(model, data.train(), length.epochs, rate.learningRate);
      double cut = 1 - (double) flopsAt[width] / dense;
      double fewer =
          1
              - (double) measure(width, CostModel::parameters)
                  / measure(network.widthSteps(), CostModel::parameters);
      record(
          new Outcome(
              "uniform",
              "uniform channel scaling ("
                  + network.widthOf(width)
                  + ", the nearest to the budget), trained from scratch",
              reduction,
              seed,
              Scoring.accuracy(model.getBlock(), data.test()),
              cut,
              fewer,
              length.epochs,
              seconds));
    }
  }

  /**
   * An ATO row. {@code multiple} is the channel rounding, {@value #AUTO} for the builder's; a set
   * one names the row apart ({@code -unrounded}, {@code -rounded16}).
   */
  private void ato(
      ImageData data,
      long seed,
      double reduction,
      Projection projection,
      MaskSource source,
      String multiple,
      String method,
      String description)
      throws IOException, TranslateException {
    Stopwatch watch = Stopwatch.createStarted();
    AutoTrainOnceBuilder builder =
        AutoTrainOnce.builder()
            .setBlock(rowNetwork().build())
            .setInputShape(inputShape())
            .setTrainingData(data.train())
            .setFlopsReduction(reduction)
            .setEpochs(length.epochs)
            .optOptimizer(
                steps -> sgd(LearningRateSchedule.COSINE.tracker(rate.learningRate, steps)))
            .optProjection(projection)
            .optMaskSource(source)
            .optSeed(seed);
    String rowMethod = method;
    String rowDescription = description;
    if (!multiple.equalsIgnoreCase(AUTO)) {
      int set = Integer.parseInt(multiple.strip());
      builder.optChannelMultiple(set);
      rowMethod = method + (set == 1 ? "-unrounded" : "-rounded" + set);
      rowDescription =
          description.replace(" (the builder's default)", "")
              + (set == 1
                  ? ", channels not rounded (optChannelMultiple(1))"
                  : ", channels rounded to multiples of "
                      + set
                      + " (optChannelMultiple("
                      + set
                      + "))");
    }
    try (AutoTrainOnce ato = builder.build()) {
      try (AtoResult result = ato.fit()) {
        double seconds = watch.elapsed(TimeUnit.MILLISECONDS) / 1e3;
        LOG.info("{} at -{}: {}", rowMethod, reduction, result.summary());
        record(
            new Outcome(
                rowMethod,
                rowDescription,
                reduction,
                seed,
                Scoring.accuracy(result.compressed().block(), data.test()),
                result.flopsReduction(),
                result.parameterReduction(),
                length.epochs,
                seconds,
                result.budget().rounding().multiple(),
                result.controllerUpdates().size(),
                result.config().trainCompressedAfterFreeze()));
      }
    }
  }

  /** Plain DJL training, {@code EasyTrain.fit}, with the cosine schedule sized to it. */
  private double train(Model model, RandomAccessDataset train, int epochCount, float rate)
      throws IOException, TranslateException {
    Tracker rates =
        LearningRateSchedule.COSINE.tracker(
            rate, (train.size() + length.batch - 1) / length.batch * epochCount);
    Stopwatch watch = Stopwatch.createStarted();
    DefaultTrainingConfig config =
        new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
            .optOptimizer(sgd(rates))
            .addTrainingListeners(
                new EvaluatorTrainingListener(), progress(model.getName(), epochCount, watch));
    try (Trainer trainer = model.newTrainer(config)) {
      trainer.initialize(inputShape());
      EasyTrain.fit(trainer, epochCount, train, null);
      LOG.info(
          "{}: training loss {} after {} epochs",
          model.getName(),
          trainer.getTrainingResult().getTrainLoss(),
          epochCount);
    }
    return watch.elapsed(TimeUnit.MILLISECONDS) / 1e3;
  }

  /**
   * Logs the end of each epoch of a plain training, which otherwise runs for up to an hour at full
   * scale without a line.
   */
  private static TrainingListener progress(String name, int epochCount, Stopwatch watch) {
    return new TrainingListenerAdapter() {
      private int epoch;

      @Override
      public void onEpoch(Trainer trainer) {
        epoch++;
        LOG.info(
            "{}: epoch {} of {} done at {} s",
            name,
            epoch,
            epochCount,
            String.format(Locale.ROOT, "%.1f", watch.elapsed(TimeUnit.MILLISECONDS) / 1e3));
      }
    };
  }

  private static Shape inputShape() {
    return new Shape(1).addAll(IMAGE);
  }

  private long macs(int width) {
    return measure(width, CostModel::flops);
  }

  /** A figure of the cost model of a fresh network of first-stage width {@code width}. */
  private long measure(int width, ToLongFunction<CostModel> what) {
    Block block = rowNetwork().build(width);
    try (NDManager manager = NDManager.newBaseManager()) {
      block.initialize(manager, DataType.FLOAT32, inputShape());
      return what.applyAsLong(FlopsCounter.count(block, inputShape()));
    }
  }

  /** One training's measurement, for one seed. */
  record Outcome(
      String method,
      String description,
      double target,
      long seed,
      double accuracy,
      double flopsReduction,
      double parameterReduction,
      int epochs,
      double seconds,
      int channelMultiple,
      int controllerUpdates,
      boolean trainedCompressedAfterFreeze) {

    /** An outcome of a network that was neither rounded nor searched by ATO. */
    Outcome(
        String method,
        String description,
        double target,
        long seed,
        double accuracy,
        double flopsReduction,
        double parameterReduction,
        int epochs,
        double seconds) {
      this(
          method,
          description,
          target,
          seed,
          accuracy,
          flopsReduction,
          parameterReduction,
          epochs,
          seconds,
          0,
          0,
          false);
    }
  }

  /**
   * The name of a row, {@code accuracy-SCALE-METHOD[-TARGET]}: the scale a tag without dashes, so
   * that rows of other scales are stored beside these rather than over them, and the target in
   * percent, absent for a dense row.
   */
  static String rowName(String network, int images, int epochs, String method, double target) {
    String prefix =
        String.format(Locale.ROOT, "accuracy-%s_%dimg_%dep-%s", network, images, epochs, method);
    return target == 0 ? prefix : String.format(Locale.ROOT, "%s-%.0f", prefix, 100 * target);
  }

  /**
   * Adds {@code outcome} to its row and stores the row with every seed it has so far: this run's
   * and, on the first of the row, the stored row's other seeds when they may share it ({@link
   * SeedRecords}).
   */
  private void record(Outcome outcome) {
    String row =
        rowName(rowNetwork().tag(), images, length.epochs, outcome.method(), outcome.target());
    LOG.info(
        "{} (seed {}): accuracy {}, FLOPs -{}, {} s",
        row,
        outcome.seed(),
        String.format(Locale.ROOT, "%.4f", outcome.accuracy()),
        String.format(Locale.ROOT, "%.3f", outcome.flopsReduction()),
        String.format(Locale.ROOT, "%.0f", outcome.seconds()));
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("method", outcome.description());
    settings.put("scale", scale());
    settings.put("recipe", recipe());
    List<SeedRecords.Seed> measured = rows.get(row);
    if (measured == null) {
      measured = new ArrayList<>(storedSeeds(row, settings, outcome));
      rows.put(row, measured);
    }
    measured.add(
        new SeedRecords.Seed(
            outcome, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), parent.command()));
    measured.sort(Comparator.comparingLong(m -> m.outcome().seed()));
    List<Outcome> seen = measured.stream().map(SeedRecords.Seed::outcome).toList();
    Stats accuracy = Stats.of(seen.stream().map(Outcome::accuracy).toList());
    Map<String, Double> figures = new LinkedHashMap<>();
    figures.put("target_reduction", outcome.target());
    figures.put("accuracy", mean(seen, Outcome::accuracy));
    figures.put("accuracy_min", accuracy.min());
    figures.put("accuracy_max", accuracy.max());
    figures.put(BenchmarkResult.SEEDS, (double) seen.size());
    figures.put("flops_reduction", mean(seen, Outcome::flopsReduction));
    figures.put("parameter_reduction", mean(seen, Outcome::parameterReduction));
    figures.put("epochs", (double) outcome.epochs());
    figures.put("train_seconds", mean(seen, Outcome::seconds));
    if (outcome.channelMultiple() > 0) {
      // What the rounding came to, seed by seed (an automatic multiple may be halved).
      figures.put(
          "channel_multiple_min",
          (double) seen.stream().mapToInt(Outcome::channelMultiple).min().orElseThrow());
      figures.put(
          "channel_multiple_max",
          (double) seen.stream().mapToInt(Outcome::channelMultiple).max().orElseThrow());
    }
    if (outcome.controllerUpdates() > 0) {
      // The schedule's count, equal for every seed of a row: it depends on the steps alone.
      figures.put("controller_updates", (double) outcome.controllerUpdates());
    }
    if (outcome.trainedCompressedAfterFreeze()) {
      figures.put(BenchmarkPage.TRAINED_COMPRESSED, 1.0);
    }
    settings.put("seeds", seen.stream().map(o -> String.valueOf(o.seed())).toList().toString());
    SeedRecords.write(measured, figures, settings);
    parent.store(row, "accuracy", settings, figures);
  }

  /** The stored row's seeds that this run does not measure and that may share the row with it. */
  private List<SeedRecords.Seed> storedSeeds(
      String row, Map<String, String> settings, Outcome outcome) {
    Optional<BenchmarkResult> stored = parent.stored(row);
    if (stored.isEmpty()) {
      return List.of();
    }
    Set<Long> measuring =
        LongStream.range(firstSeed, firstSeed + seeds).boxed().collect(Collectors.toSet());
    SeedRecords.Kept kept =
        SeedRecords.kept(stored.get(), Machine.describe(), settings, outcome, measuring);
    kept.refused()
        .ifPresent(
            why ->
                LOG.warn(
                    "{}: the stored seeds {} are not kept, {}; this run's seeds replace them",
                    row,
                    SeedRecords.seedsOf(stored.get()),
                    why));
    if (!kept.seeds().isEmpty()) {
      LOG.info(
          "{}: keeps the stored seeds {} beside this run's",
          row,
          kept.seeds().stream().map(s -> s.outcome().seed()).toList());
    }
    return kept.seeds();
  }

  private static double mean(List<Outcome> outcomes, ToDoubleFunction<Outcome> what) {
    return outcomes.stream().mapToDouble(what).average().orElseThrow();
  }

  /** What every row of one run shares; the page puts rows of one scale in one table. */
  String scale() {
    return String.format(
        Locale.ROOT,
        "%s, Fashion-MNIST: the first %,d training images, %,d test images, %d epochs",
        rowNetwork().describe(),
        images,
        testImages,
        length.epochs);
  }

  private String recipe() {
    return String.format(
        Locale.ROOT,
        "batch %d, SGD base rate %s annealed by cosine to 1%%, "
            + "momentum 0.9, weight decay 5e-4; %s; ATO's rows train on 95%% of the images (5%% "
            + "are its controller's), the others on all",
        length.batch,
        rate.learningRate,
        augmentation);
  }
}
