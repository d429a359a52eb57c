package dev.ato.examples.bench;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.translate.TranslateException;
import com.google.common.base.Stopwatch;
import com.google.common.math.Stats;
import dev.ato.djl.AtoListener;
import dev.ato.djl.AtoResult;
import dev.ato.djl.AutoTrainOnce;
import dev.ato.djl.AutoTrainOnceBuilder;
import dev.ato.djl.Scoring;
import dev.ato.examples.TrainingOptions;
import dev.ato.examples.data.ImageData;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * What ATO's controller costs a whole run: plain DJL training ({@code EasyTrain.fit}) and ATO on
 * the builder's defaults, with the controller every so many steps or as the defaults space it,
 * taking turns in one JVM; for each, the time against plain training's, the FLOPs budget reached
 * and the compressed network's accuracy.
 */
@Command(
    name = "controller-cost",
    mixinStandardHelpOptions = true,
    description =
        "ATO's whole-run time against plain DJL training, its budget and accuracy, by the "
            + "controller's interval.")
final class ControllerCost implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(ControllerCost.class);

  /** The target of a run's cost: at least this share of plain training's speed. */
  static final double TARGET = 0.9;

  @Mixin TrainingOptions.Length length = new TrainingOptions.Length(2, 32);
  @Mixin TrainingOptions.Seed seeding = new TrainingOptions.Seed();
  @Mixin TrainingOptions.MobileNetWidth mobileNet = new TrainingOptions.MobileNetWidth(0.35);

  @ParentCommand Benchmarks parent;

  @Spec private CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--model",
      defaultValue = "RESNET20",
      description = "One of ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
  ControllerConvergence.Network network;

  @Option(
      names = "--images",
      defaultValue = "3200",
      description = "Fashion-MNIST training images (default ${DEFAULT-VALUE}).")
  int images;

  @Option(
      names = "--test-images",
      defaultValue = "1000",
      description = "Test images the compressed networks are scored on (default ${DEFAULT-VALUE}).")
  int testImages;

  @Option(
      names = "--reduction",
      defaultValue = "0.5",
      description = "FLOPs reduction (default ${DEFAULT-VALUE}).")
  double reduction;

  @Option(
      names = "--intervals",
      split = ",",
      defaultValue = "0,2,4,8",
      description =
          "Controller intervals in steps; 0 is the builder's default spacing (default "
              + "${DEFAULT-VALUE}).")
  List<Integer> intervals;

  @Option(
      names = "--controller-lr",
      description =
          "The controller's learning rate for the variants with an interval (default: the"
              + " builder's, the paper's 1e-3).")
  Double controllerLearningRate;

  @Option(
      names = "--dense-to-end",
      description =
          "Train the dense model to the last step instead of swapping to the compressed network"
              + " after the freeze (the builder's optTrainCompressedAfterFreeze(false)).")
  boolean denseToEnd;

  @Option(
      names = "--rounds",
      defaultValue = "3",
      description = "Rounds, each running every variant once in turn (default ${DEFAULT-VALUE}).")
  int rounds;

  @Override
  public Integer call() throws IOException, TranslateException {
    parent.configureEngine();
    List<Double> plainSeconds = new ArrayList<>();
    Map<Integer, List<Double>> atoSeconds = new LinkedHashMap<>();
    Map<Integer, Outcome> outcome = new LinkedHashMap<>();
    try (ImageData data = BudgetRuns.fashionMnist(images, length.batch, testImages, seeding.seed)) {
      for (int round = 1; round <= rounds; round++) {
        LOG.info("controller cost, round {} of {}", round, rounds);
        plainSeconds.add(plain(data));
        for (int interval : intervals) {
          Stopwatch watch = Stopwatch.createStarted();
          Outcome figures = ato(data, interval, watch);
          atoSeconds.computeIfAbsent(interval, k -> new ArrayList<>()).add(seconds(watch));
          outcome.put(interval, figures);
        }
      }
    }
    print(plainSeconds, atoSeconds, outcome);
    return 0;
  }

  private void print(
      List<Double> plainSeconds,
      Map<Integer, List<Double>> atoSeconds,
      Map<Integer, Outcome> outcome) {
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        Locale.ROOT,
        "%s, %d images, %d epochs of batch %d, -%.1f%% FLOPs, seed %d, %d rounds; plain DJL"
            + " %.1f s (%.1f-%.1f)%n",
        network.name().toLowerCase(Locale.ROOT),
        images,
        length.epochs,
        length.batch,
        100 * reduction,
        seeding.seed,
        rounds,
        Stats.of(plainSeconds).mean(),
        Stats.of(plainSeconds).min(),
        Stats.of(plainSeconds).max());
    out.println(
        "| controller | updates | one update, in steps | share of the run: updates, training"
            + " steps, projection | ATO s"
            + " (min-max) | speed vs plain (min-max) | target >= 0.9x | reduction | how |"
            + " accuracy |");
    out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    atoSeconds.forEach(
        (interval, seconds) -> {
          List<Double> ratios = new ArrayList<>();
          for (int i = 0; i < seconds.size(); i++) {
            ratios.add(plainSeconds.get(i) / seconds.get(i));
          }
          Stats ratio = Stats.of(ratios);
          Stats time = Stats.of(seconds);
          Outcome last = outcome.get(interval);
          out.printf(
              Locale.ROOT,
              "| %s | %d | %.2f | %.1f%%, %.1f%%, %.1f%% | %.1f (%.1f-%.1f) | %.2fx (%.2f-%.2f) | %s | %s |%n",
              interval == 0 ? "builder default" : "every " + interval + " steps",
              last.updates(),
              last.updateInSteps(),
              100 * last.controllerShare(),
              100 * last.trainShare(),
              100 * last.projectionShare(),
              time.mean(),
              time.min(),
              time.max(),
              ratio.mean(),
              ratio.min(),
              ratio.max(),
              Verdict.atLeast(ratio.min(), ratio.max(), TARGET).markdown(),
              last.columns());
        });
    out.flush();
  }

  /** Plain DJL training of the same network on all the training images, timed whole. */
  private double plain(ImageData data) throws IOException, TranslateException {
    Engine.getInstance().setRandomSeed((int) seeding.seed);
    Stopwatch watch = Stopwatch.createStarted();
    try (Model model = Model.newInstance("plain")) {
      model.setBlock(network.build(mobileNet.width));
      DefaultTrainingConfig config =
          SpeedBenchmark.plainTraining(
              new TrainingListenerAdapter() {
                @Override
                public void onEpoch(Trainer trainer) {
                  LOG.info(
                      "plain DJL: epoch done at {} s",
                      String.format(Locale.ROOT, "%.1f", seconds(watch)));
                }
              });
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(new Shape(1, 1, 28, 28));
        EasyTrain.fit(trainer, length.epochs, data.train(), null);
      }
    }
    double seconds = seconds(watch);
    LOG.info("plain DJL: {} s", String.format(Locale.ROOT, "%.1f", seconds));
    return seconds;
  }

  /**
   * A run's controller updates; one update's time in training steps and the updates' share of the
   * run's time, both from the run's own clock (the last round's); its reduction, budget outcome and
   * accuracy as columns.
   */
  private record Outcome(
      int updates,
      double updateInSteps,
      double controllerShare,
      double trainShare,
      double projectionShare,
      String columns) {}

  /**
   * Sums the seconds of the run's training steps and controller updates; an update is weighed
   * against the dense model's steps, not the compressed network's after the swap.
   */
  private static final class UpdateClock implements AtoListener {
    private double trainSeconds;
    private double denseSeconds;
    private long denseSteps;
    private double controllerSeconds;
    private double projectionSeconds;
    private long updates;

    @Override
    public void onStep(StepInfo step) {
      trainSeconds += step.trainSeconds();
      if (!step.trainedCompressed()) {
        denseSeconds += step.trainSeconds();
        denseSteps++;
      }
      projectionSeconds += step.projectionSeconds();
      if (step.controllerSeconds() > 0) {
        controllerSeconds += step.controllerSeconds();
        updates++;
      }
    }

    double updateInSteps() {
      return updates == 0 ? 0 : (controllerSeconds / updates) / (denseSeconds / denseSteps);
    }
  }

  /**
   * ATO on the builder's defaults but the interval, timed from {@code build()} to the compressed
   * network by {@code watch}; its figures after that, untimed.
   */
  private Outcome ato(ImageData data, int interval, Stopwatch watch) {
    UpdateClock clock = new UpdateClock();
    AutoTrainOnceBuilder builder =
        AutoTrainOnce.builder()
            .setBlock(network.build(mobileNet.width))
            .setInputShape(new Shape(1, 1, 28, 28))
            .setTrainingData(data.train())
            .setFlopsReduction(reduction)
            .setEpochs(length.epochs)
            .optSeed(seeding.seed)
            .optTrainCompressedAfterFreeze(!denseToEnd)
            .addListener(clock);
    if (interval > 0) {
      builder.optControllerInterval(interval);
      if (controllerLearningRate != null) {
        builder.optControllerLearningRate(controllerLearningRate);
      }
    }
    try (AutoTrainOnce ato = builder.build();
        AtoResult result = ato.fit()) {
      watch.stop();
      double accuracy = Scoring.accuracy(result.compressed().block(), data.test());
      LOG.info(
          "ATO, interval {}: {} s, {}",
          interval,
          String.format(Locale.ROOT, "%.1f", seconds(watch)),
          result.summary());
      return new Outcome(
          result.controllerUpdates().size(),
          clock.updateInSteps(),
          clock.controllerSeconds / seconds(watch),
          clock.trainSeconds / seconds(watch),
          clock.projectionSeconds / seconds(watch),
          String.format(
              Locale.ROOT,
              "-%.1f%% | %s | %.4f",
              100 * result.flopsReduction(),
              result.budget().kind().name().toLowerCase(Locale.ROOT),
              accuracy));
    }
  }

  private static double seconds(Stopwatch watch) {
    return watch.elapsed(TimeUnit.MILLISECONDS) / 1e3;
  }
}
