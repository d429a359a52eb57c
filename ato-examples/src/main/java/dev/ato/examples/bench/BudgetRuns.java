package dev.ato.examples.bench;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import dev.ato.djl.AtoResult;
import dev.ato.djl.AutoTrainOnce;
import dev.ato.djl.AutoTrainOnceBuilder;
import dev.ato.djl.BudgetOutcome;
import dev.ato.examples.TrainingOptions;
import dev.ato.examples.data.Augmentation;
import dev.ato.examples.data.DataFormat;
import dev.ato.examples.data.FashionMnist;
import dev.ato.examples.data.ImageData;
import dev.ato.schedule.TrainingSchedule;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Runs ATO with the builder's defaults on the runs of {@code AutoTrainOnceBudgetTest} (slices of
 * Fashion-MNIST, about 200 and 1,000 steps, ResNet-8 and MobileNetV2) and, beside each, the same
 * run with the paper's schedule and no budget correction, as the library behaved before its
 * schedule fitted the run: the before/after table of docs/results.md.
 */
@Command(
    name = "budget-runs",
    mixinStandardHelpOptions = true,
    description = "FLOPs reached with the default schedule and with the paper's, side by side.")
final class BudgetRuns implements Callable<Integer> {

  @Mixin TrainingOptions.Seed seeding = new TrainingOptions.Seed();

  @Spec private CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--models",
      split = ",",
      defaultValue = "RESNET8,MOBILENETV2",
      description = "Networks, of ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
  private List<ControllerConvergence.Network> networks;

  @Mixin TrainingOptions.MobileNetWidth mobileNet = new TrainingOptions.MobileNetWidth(0.35);

  @Mixin TrainingOptions.Targets reductions = new TrainingOptions.Targets();

  @Option(
      names = "--lengths",
      split = ",",
      defaultValue = "SHORT,LONG",
      description =
          "Run lengths: SHORT is 2 epochs of 3,200 images (190 steps of 32), LONG 5 "
              + "epochs of 6,400 (950 steps) (default ${DEFAULT-VALUE}).")
  private List<Length> lengths;

  @Option(
      names = "--paper",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Also run each with the paper's schedule and no correction (default "
              + "${DEFAULT-VALUE}; --no-paper leaves those columns empty).")
  private boolean paper;

  /** Run lengths, as in the test. */
  enum Length {
    SHORT(3200, 2),
    LONG(6400, 5);

    final int images;
    final int epochs;

    Length(int images, int epochs) {
      this.images = images;
      this.epochs = epochs;
    }
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        "| model | steps | target | paper schedule: reduction | accuracy | defaults: "
            + "reduction | how | accuracy |");
    out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
    out.flush();
    for (ControllerConvergence.Network network : networks) {
      for (Length length : lengths) {
        for (double target : reductions.targets) {
          String before = " | ";
          if (paper) {
            Run run =
                run(
                    network,
                    length,
                    target,
                    b ->
                        b.optControllerInterval(TrainingSchedule.PAPER_CONTROLLER_INTERVAL)
                            .optBudgetCorrection(false));
            before =
                String.format(Locale.ROOT, "-%.1f%% | %.4f", 100 * run.reduction, run.accuracy);
          }
          Run defaults = run(network, length, target, UnaryOperator.identity());
          out.println(
              String.format(
                  Locale.ROOT,
                  "| %s | %d | -%.0f%% | %s | -%.1f%% | %s | %.4f |",
                  network.name().toLowerCase(Locale.ROOT),
                  defaults.steps,
                  100 * target,
                  before,
                  100 * defaults.reduction,
                  defaults.how,
                  defaults.accuracy));
          out.flush();
        }
      }
    }
    return 0;
  }

  private record Run(long steps, double reduction, String how, double accuracy) {}

  private Run run(
      ControllerConvergence.Network network,
      Length length,
      double target,
      UnaryOperator<AutoTrainOnceBuilder> options)
      throws IOException {
    try (ImageData data = fashionMnist(length.images, 32, 1000, seeding.seed);
        Model model = Model.newInstance(network.name().toLowerCase(Locale.ROOT))) {
      model.setBlock(network.build(mobileNet.width));
      try (AutoTrainOnce ato =
              options
                  .apply(
                      AutoTrainOnce.builder()
                          .setModel(model)
                          .setInputShape(new Shape(1, 1, 28, 28))
                          .setTrainingData(data.train())
                          .optValidationData(data.test())
                          .setFlopsReduction(target)
                          .setEpochs(length.epochs)
                          .optSeed(seeding.seed))
                  .build();
          AtoResult result = ato.fit()) {
        BudgetOutcome budget = result.budget();
        String how =
            switch (budget.kind()) {
              case REACHED_BY_CONTROLLER -> "controller";
              case CORRECTED ->
                  String.format(
                      Locale.ROOT,
                      "corrected from -%.1f%% (%d pruned, %d " + "kept again)",
                      100 * budget.controllerReduction(),
                      budget.groupsPruned(),
                      budget.groupsRestored());
              case CHOSEN_BY_MAGNITUDE -> "magnitude";
              case MISSED -> "missed";
            };
        return new Run(
            result.epochs().get(result.epochs().size() - 1).steps(),
            result.flopsReduction(),
            how,
            result.compressedMetric());
      }
    }
  }

  /**
   * The first {@code images} Fashion-MNIST training images in shuffled batches of {@code batch},
   * and the first {@code testImages} test images, normalised, without augmentation: the data of the
   * research commands.
   */
  static ImageData fashionMnist(int images, int batch, int testImages, long seed)
      throws IOException {
    return ImageData.builder()
        .setFormat(DataFormat.IDX)
        .setDirectory(FashionMnist.directory())
        .setBatchSize(batch)
        .optTrainLimit(images)
        .optTestLimit(testImages)
        .optAugmentation(Augmentation.NONE)
        .optSeed(seed)
        .build();
  }
}
