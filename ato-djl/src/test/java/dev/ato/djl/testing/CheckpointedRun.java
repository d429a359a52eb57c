package dev.ato.djl.testing;

import ai.djl.ndarray.types.Shape;
import dev.ato.djl.AtoListener;
import dev.ato.djl.AtoResult;
import dev.ato.djl.AutoTrainOnce;
import dev.ato.djl.EpochMetrics;
import dev.ato.storage.Checkpoints;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.StringJoiner;

/**
 * A small ATO run with the builder's defaults and checkpoints, in this JVM or as a child process
 * ({@link #main}): a ResNet-8 on 240 Fashion-MNIST images in batches of 20, scored on 100 test
 * images. Its figures are what a resumed run must reproduce exactly.
 */
public final class CheckpointedRun {

  /** Batches per epoch: 240 images less the 5% held out, in batches of 20. */
  public static final int STEPS_PER_EPOCH = 12;

  private CheckpointedRun() {}

  /**
   * Runs {@code epochs} epochs with checkpoints in {@code directory}, resuming from the latest one
   * there; {@code listener} hears the run.
   */
  public static AtoResult run(Path directory, int epochs, long seed, AtoListener listener)
      throws IOException {
    return run(Checkpoints.in(directory).build(), epochs, seed, listener);
  }

  /** As {@link #run(Path, int, long, AtoListener)}, with the given checkpoints. */
  public static AtoResult run(Checkpoints checkpoints, int epochs, long seed, AtoListener listener)
      throws IOException {
    try (FashionMnistSlices.Slice train = FashionMnistSlices.train(240, 20);
        FashionMnistSlices.Slice test = FashionMnistSlices.test(100);
        AutoTrainOnce ato =
            AutoTrainOnce.builder()
                .setBlock(CifarNetworks.resNet(8, 10))
                .setInputShape(new Shape(1, 1, 28, 28))
                .setTrainingData(train)
                .optValidationData(test)
                .setFlopsReduction(0.5)
                .setEpochs(epochs)
                .optSeed(seed)
                .optCheckpoints(checkpoints)
                .addListener(listener)
                .build()) {
      return ato.fit();
    }
  }

  /**
   * Everything a run's result says that does not depend on the clock, one figure per line, to
   * compare two runs exactly.
   */
  public static String figures(AtoResult result) {
    StringJoiner lines = new StringJoiner("\n");
    lines.add("mask " + result.mask());
    lines.add("budget " + result.budget());
    lines.add("flops " + result.flopsBefore() + " -> " + result.flopsAfter());
    lines.add("masked " + result.maskedMetric() + ", compressed " + result.compressedMetric());
    lines.add("pruned norm " + result.prunedNormBeforeCut());
    for (EpochMetrics e : result.epochs()) {
      lines.add(
          "epoch "
              + e.epoch()
              + ": steps "
              + e.steps()
              + ", loss "
              + e.trainLoss()
              + ", train "
              + e.trainMetric()
              + ", validation "
              + e.validationMetric()
              + ", pruned "
              + e.prunedGroups()
              + ", flops "
              + e.flopsRatio()
              + ", norm "
              + e.prunedGroupNorm());
    }
    result.controllerUpdates().forEach(update -> lines.add("update " + update));
    return lines.toString();
  }

  /**
   * Runs {@code args[2]} epochs with checkpoints in {@code args[0]} and writes the figures to
   * {@code args[1]}; prints {@code step N} after every step, for a parent that kills it.
   */
  public static void main(String[] args) throws IOException {
    Path directory = Path.of(args[0]);
    Path figuresFile = Path.of(args[1]);
    int epochs = Integer.parseInt(args[2]);
    PrintStream out = System.out;
    try (AtoResult result =
        run(
            directory,
            epochs,
            42,
            new AtoListener() {
              @Override
              public void onStep(StepInfo step) {
                out.println("step " + step.step());
                out.flush();
              }
            })) {
      Path partial = figuresFile.resolveSibling(figuresFile.getFileName() + ".partial");
      Files.writeString(partial, figures(result), StandardCharsets.UTF_8);
      Files.move(partial, figuresFile, StandardCopyOption.ATOMIC_MOVE);
    }
  }
}
