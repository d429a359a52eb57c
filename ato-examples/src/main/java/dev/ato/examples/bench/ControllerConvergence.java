package dev.ato.examples.bench;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.ato.djl.AtoListener;
import dev.ato.djl.AtoResult;
import dev.ato.djl.AutoTrainOnce;
import dev.ato.examples.TrainingOptions;
import dev.ato.examples.data.ImageData;
import dev.ato.examples.models.CifarMobileNetV2;
import dev.ato.examples.models.CifarResNet;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Measures how many controller updates ATO needs to bring its mask to a FLOPs budget: trains a
 * network on Fashion-MNIST with the controller updated at every step of a long window (5% to 95% of
 * the steps) and reports, per target and controller learning rate, the first update whose hard mask
 * is within 2 and within 1 percentage point of the target. The figures behind the default schedule
 * (docs/design.md, docs/results.md).
 */
@Command(
    name = "controller-convergence",
    mixinStandardHelpOptions = true,
    description = "Counts the controller updates ATO needs to reach a FLOPs budget.")
final class ControllerConvergence implements Callable<Integer> {

  @Mixin TrainingOptions.Length length = new TrainingOptions.Length(6, 64);
  @Mixin TrainingOptions.Seed seeding = new TrainingOptions.Seed();

  /** Networks the measurement runs on. */
  enum Network {
    RESNET8,
    RESNET20,
    MOBILENETV2;

    Block build(double width) {
      return switch (this) {
        case RESNET8 -> CifarResNet.builder().setDepth(8).setClasses(10).build();
        case RESNET20 -> CifarResNet.builder().setDepth(20).setClasses(10).build();
        case MOBILENETV2 -> CifarMobileNetV2.builder().setClasses(10).optWidth(width).build();
      };
    }
  }

  @Spec private CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--model",
      defaultValue = "RESNET8",
      description = "One of ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
  private Network network;

  @Mixin TrainingOptions.MobileNetWidth mobileNet = new TrainingOptions.MobileNetWidth(0.5);

  @Mixin TrainingOptions.Targets reductions = new TrainingOptions.Targets();

  @Option(
      names = "--controller-lr",
      split = ",",
      defaultValue = "0.001",
      description = "Controller learning rates to measure (default ${DEFAULT-VALUE}).")
  private List<Double> learningRates;

  @Option(
      names = "--train-limit",
      defaultValue = "6000",
      description = "Training images, of 60000 (default ${DEFAULT-VALUE}).")
  private int trainLimit;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        "| model | target | controller lr | updates | to within 2 pts | to within 1 pt "
            + "| reduction at the end | s |");
    out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
    out.flush();
    for (double learningRate : learningRates) {
      for (double target : reductions.targets) {
        out.println(measure(target, learningRate));
        out.flush();
      }
    }
    return 0;
  }

  private String measure(double target, double learningRate) throws IOException {
    long started = System.nanoTime();
    List<Double> reductions = new ArrayList<>();
    try (ImageData data = BudgetRuns.fashionMnist(trainLimit, length.batch, 1, seeding.seed);
        Model model = Model.newInstance(network.name().toLowerCase(Locale.ROOT))) {
      model.setBlock(network.build(mobileNet.width));
      List<Double> ratios = new ArrayList<>();
      try (AutoTrainOnce ato =
              AutoTrainOnce.builder()
                  .setModel(model)
                  .setInputShape(new Shape(1, 1, 28, 28))
                  .setTrainingData(data.train())
                  .setFlopsReduction(target)
                  .setEpochs(length.epochs)
                  .optSchedule(0.05, 0.2, 0.95)
                  .optControllerInterval(1)
                  .optControllerLearningRate(learningRate)
                  .optSeed(seeding.seed)
                  .addListener(
                      new AtoListener() {
                        @Override
                        public void onControllerUpdate(ControllerUpdate update) {
                          ratios.add(update.flopsRatio());
                        }
                      })
                  .build();
          AtoResult ignored = ato.fit()) {
        double share = (double) ato.cost().prunableFlops() / ato.cost().flops();
        ratios.forEach(r -> reductions.add((1 - r) * share));
        double seconds = (System.nanoTime() - started) / 1e9;
        return String.format(
            Locale.ROOT,
            "| %s | %.0f%% | %s | %d | %s | %s | %.1f%% | %.0f |",
            network.name().toLowerCase(Locale.ROOT),
            100 * target,
            learningRate,
            reductions.size(),
            firstWithin(reductions, target, 0.02),
            firstWithin(reductions, target, 0.01),
            100 * reductions.get(reductions.size() - 1),
            seconds);
      }
    }
  }

  private static String firstWithin(List<Double> reductions, double target, double tolerance) {
    for (int i = 0; i < reductions.size(); i++) {
      if (Math.abs(reductions.get(i) - target) <= tolerance) {
        return Integer.toString(i + 1);
      }
    }
    return "not reached";
  }
}
