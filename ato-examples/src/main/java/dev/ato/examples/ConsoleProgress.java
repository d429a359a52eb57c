package dev.ato.examples;

import dev.ato.djl.AtoListener;
import dev.ato.examples.report.RunTrace;
import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar per epoch on the console, with ETA, the epoch's running loss and the share of the
 * FLOPs that the mask of the moment keeps. It reads the step's figures from the run's {@link
 * RunTrace}, which must hear each step first.
 */
final class ConsoleProgress implements AtoListener {

  private final RunTrace trace;
  private final PrintStream console;
  private long stepsPerEpoch;
  private long epochs;
  private ProgressBar bar;

  ConsoleProgress(RunTrace trace, PrintStream console) {
    this.trace = trace;
    this.console = console;
  }

  @Override
  public void onStart(RunInfo info) {
    stepsPerEpoch = info.stepsPerEpoch();
    epochs = Math.max(1, info.totalSteps() / Math.max(1, stepsPerEpoch));
  }

  @Override
  public void onStep(StepInfo step) {
    long inEpoch = step.step() % stepsPerEpoch;
    if (bar == null) {
      bar =
          new ProgressBarBuilder()
              .setTaskName(
                  String.format(
                      Locale.ROOT, "epoch %d/%d", step.step() / stepsPerEpoch + 1, epochs))
              .setInitialMax(stepsPerEpoch)
              .setStyle(ProgressBarStyle.ASCII)
              .setConsumer(new ConsoleProgressBarConsumer(console))
              .build();
    }
    bar.stepTo(inEpoch + 1);
    trace
        .lastStep()
        .ifPresent(
            last ->
                bar.setExtraMessage(
                    String.format(
                        Locale.ROOT,
                        "loss %.4f, FLOPs %.1f%%",
                        last.epochLoss(),
                        100 * last.flopsKept())));
    if (inEpoch + 1 == stepsPerEpoch || step.step() + 1 == step.totalSteps()) {
      bar.close();
      bar = null;
    }
  }
}
