package dev.ato.examples;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.ato.djl.AtoResult;
import dev.ato.djl.AutoTrainOnce;
import dev.ato.examples.data.IdxImageDataset;
import dev.ato.examples.models.CifarResNet;
import dev.ato.schedule.TrainingSchedule;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Trains a CIFAR-style ResNet on Fashion-MNIST with Auto-Train-Once in one run, prints what was
 * pruned and how the compressed network scores, and saves the compressed network. The defaults
 * finish in about a minute on two CPU cores.
 */
@Command(name = "ato-prune-fashion-mnist", mixinStandardHelpOptions = true,
    description = "Trains and prunes a ResNet on Fashion-MNIST in one run (Auto-Train-Once).")
public final class PruneFashionMnist implements Callable<Integer> {

  @Spec
  private CommandLine.Model.CommandSpec spec;

  @Option(names = "--depth", defaultValue = "8",
      description = "ResNet depth, 6n+2 (default ${DEFAULT-VALUE}).")
  private int depth;

  @Option(names = "--reduction", defaultValue = "0.5",
      description = "Share of the FLOPs to remove (default ${DEFAULT-VALUE}).")
  private double reduction;

  @Option(names = "--epochs", defaultValue = "6",
      description = "Training epochs (default ${DEFAULT-VALUE}).")
  private int epochs;

  @Option(names = "--train-limit", defaultValue = "6000",
      description = "Training images to use, of 60000 (default ${DEFAULT-VALUE}).")
  private int trainLimit;

  @Option(names = "--test-limit", defaultValue = "2000",
      description = "Test images to score on, of 10000 (default ${DEFAULT-VALUE}).")
  private int testLimit;

  @Option(names = "--batch", defaultValue = "64",
      description = "Batch size (default ${DEFAULT-VALUE}).")
  private int batch;

  @Option(names = "--learning-rate", defaultValue = "0.05",
      description = "Initial SGD learning rate, cosine-annealed to 1% of it over the run "
          + "(default ${DEFAULT-VALUE}).")
  private float learningRate;

  @Option(names = "--controller-updates",
      description = "Controller updates spread over its window (default: ato's, "
          + TrainingSchedule.DEFAULT_CONTROLLER_UPDATES + ", fitted to the run's length).")
  private Integer controllerUpdates;

  @Option(names = "--controller-interval",
      description = "Steps between controller updates instead (the paper uses "
          + TrainingSchedule.PAPER_CONTROLLER_INTERVAL + " over runs of 100,000 steps).")
  private Integer controllerInterval;

  @Option(names = "--controller-window", split = ",", arity = "1",
      description = "Start and end of the controller window as shares of the steps, e.g. "
          + "0.1,0.5 (default ato's: the paper's 0.1,0.5; projection starts at 0.2).")
  private List<Double> controllerWindow;

  @Option(names = "--output", defaultValue = "target/ato-fashion-mnist",
      description = "Where to save the compressed network (default ${DEFAULT-VALUE}).")
  private Path output;

  @Option(names = "--seed", defaultValue = "42", description = "Seed (default ${DEFAULT-VALUE}).")
  private long seed;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    try (IdxImageDataset train = Commands.fashionMnistTrain(trainLimit, batch);
        IdxImageDataset test = Commands.fashionMnistTest(testLimit);
        Model model = Model.newInstance("resnet" + depth)) {
      model.setBlock(CifarResNet.builder().setDepth(depth).setClasses(10).build());
      // ATO holds out 5% of the training data for its controller; the rest is batched.
      int steps = epochs * (int) Math.ceil(Math.round(train.size() * 0.95) / (double) batch);
      AutoTrainOnce.Builder options = AutoTrainOnce.builder()
          .setModel(model)
          .setInputShape(new Shape(1, 1, 28, 28))
          .setTrainingData(train)
          .optValidationData(test)
          .setFlopsReduction(reduction)
          .setEpochs(epochs)
          .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.cosine()
                  .setBaseValue(learningRate).optFinalValue(learningRate / 100)
                  .setMaxUpdates(steps).build())
              .optMomentum(0.9f).optWeightDecays(5e-4f).build())
          .optSeed(seed);
      if (controllerUpdates != null) {
        options.optControllerUpdates(controllerUpdates);
      }
      if (controllerInterval != null) {
        options.optControllerInterval(controllerInterval);
      }
      if (controllerWindow != null) {
        if (controllerWindow.size() != 2) {
          throw new IllegalArgumentException("--controller-window takes a start and an end, "
              + "e.g. 0.1,0.5; found " + controllerWindow);
        }
        double start = controllerWindow.get(0);
        double end = controllerWindow.get(1);
        options.optSchedule(start, Math.min(end, Math.max(start, 0.2)), end);
      }
      try (AutoTrainOnce ato = options.build();
          AtoResult result = ato.fit()) {
        out.println(result.summary());
        out.println("FLOPs budget " + result.budget());
        out.printf(Locale.ROOT, "%-44s %8s %8s%n", "layer", "before", "after");
        for (Map.Entry<String, AtoResult.LayerChannels> layer : result.channels().entrySet()) {
          if (layer.getValue().after() < layer.getValue().before()) {
            out.printf(Locale.ROOT, "%-44s %8d %8d%n", layer.getKey(),
                layer.getValue().before(), layer.getValue().after());
          }
        }
        result.compressed().save(output);
        out.println("compressed network saved to " + output.toAbsolutePath());
      }
    }
    out.flush();
    return 0;
  }

  /** The command line, with bad values reported as one line and exit code 2. */
  static CommandLine commandLine() {
    return Commands.configure(new CommandLine(new PruneFashionMnist()));
  }

  /** Runs the example. */
  public static void main(String[] args) {
    int code = commandLine().execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }
}
