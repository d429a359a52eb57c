package dev.ato.djl;

import ai.djl.nn.Block;
import ai.djl.training.optimizer.Optimizer;
import dev.ato.djl.engine.TrainerState;
import dev.ato.storage.CheckpointDirectory;
import dev.ato.storage.Checkpoints;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run loop's checkpoint hooks: resume from the latest checkpoint before the first step, write
 * one where the {@link Checkpoints} settings say (after an epoch, or every so many steps within
 * one), and say what is kept when the run diverges. A run without checkpoints has hooks that do
 * nothing. The directory and its atomic writes are the {@link CheckpointDirectory}'s, the state
 * file's schema is {@link CheckpointState}, and DJL's training state is captured by {@link
 * TrainerState}.
 */
final class RunCheckpointing {

  private static final Logger LOG = LoggerFactory.getLogger(RunCheckpointing.class);

  private final RunContext run;
  private final CheckpointDirectory checkpoints;
  private final CheckpointState.Fingerprint fingerprint;

  private RunCheckpointing(RunContext run, CheckpointDirectory checkpoints) {
    this.run = run;
    this.checkpoints = checkpoints;
    this.fingerprint = checkpoints == null ? null : CheckpointState.Fingerprint.of(run);
  }

  /** The hooks of {@code run}'s checkpoint settings, doing nothing without them. */
  static RunCheckpointing of(RunContext run) {
    Checkpoints settings = run.settings().checkpoints();
    return new RunCheckpointing(run, settings == null ? null : open(settings));
  }

  /**
   * The checkpoint directory of {@code settings}, checked writable.
   *
   * @throws IllegalArgumentException when it cannot be made or written
   */
  static CheckpointDirectory open(Checkpoints settings) {
    return CheckpointDirectory.open(settings, CheckpointState.STATE);
  }

  /**
   * Puts the run back where the latest checkpoint left it, if there is one.
   *
   * @return the next step to take: 0 for a run that starts afresh
   */
  long resume(TrainedNetwork network, ControllerStep controller, RunState state) {
    Optional<Path> latest = checkpoints == null ? Optional.empty() : checkpoints.latest();
    if (latest.isEmpty()) {
      return 0;
    }
    Path checkpoint = latest.get();
    CheckpointState saved = CheckpointState.read(checkpoint, fingerprint);
    if (saved.cutStep() != null) {
      // Written while the compressed network trained: its arrays are the compressed network's.
      network.cutForResume(saved.cutStep(), CheckpointState.mask(saved.frozenMask()));
    }
    try {
      TrainerState.restoreParameters(checkpoint.resolve(CheckpointState.MODEL), network.block());
      TrainerState.restoreOptimizer(
          checkpoint.resolve(CheckpointState.MODEL_OPTIMIZER),
          run.settings().optimizer(),
          network.block(),
          saved.model());
      TrainerState.restoreParameters(
          checkpoint.resolve(CheckpointState.CONTROLLER), controller.block());
      TrainerState.restoreOptimizer(
          checkpoint.resolve(CheckpointState.CONTROLLER_OPTIMIZER),
          controller.optimizer(),
          controller.block(),
          saved.controller());
    } catch (IOException e) {
      throw CheckpointDirectory.unreadable(checkpoint, e.getMessage(), e);
    }
    state.restore(
        saved.epochs(),
        saved.updates(),
        CheckpointState.mask(saved.mask()),
        saved.frozenMask() == null
            ? null
            : new MaskFreeze(CheckpointState.mask(saved.frozenMask()), saved.outcome()));
    controller.resume(saved.skippedUpdates());
    if (saved.withinEpoch()) {
      TrainerState.restoreAccumulators(network.trainer(), saved.accumulators());
    }
    LOG.info(
        "resuming from {}: {} of {} epochs done, next step {} of {}",
        checkpoint,
        saved.epoch(),
        run.settings().epochs(),
        saved.step(),
        run.settings().schedule().totalSteps());
    return saved.step();
  }

  /**
   * After a step within epoch {@code epoch}: a checkpoint when one is due before {@code nextStep}.
   */
  void afterStep(
      long nextStep, int epoch, TrainedNetwork network, ControllerStep controller, RunState state) {
    if (checkpoints != null
        && checkpoints.dueWithinEpoch(nextStep, run.settings().stepsPerEpoch())) {
      save(
          epoch - 1,
          nextStep,
          network,
          controller,
          state,
          TrainerState.accumulators(network.trainer()));
    }
  }

  /** After epoch {@code epoch}: a checkpoint when one is due. */
  void afterEpoch(
      int epoch, long nextStep, TrainedNetwork network, ControllerStep controller, RunState state) {
    if (checkpoints != null && checkpoints.due(epoch, run.settings().epochs())) {
      save(epoch, nextStep, network, controller, state, null);
    }
  }

  /**
   * The run as it stands after {@code epochsDone} epochs, before step {@code step}; within an epoch
   * with DJL's running sums of it, at an epoch's end with none.
   */
  private void save(
      int epochsDone,
      long step,
      TrainedNetwork network,
      ControllerStep controller,
      RunState state,
      Map<String, Map<String, Map<String, Double>>> accumulators) {
    MaskFreeze frozen = state.frozen();
    Block model = network.block();
    Optimizer optimizer = run.settings().optimizer();
    CheckpointState saved =
        new CheckpointState(
            CheckpointState.FORMAT,
            fingerprint,
            epochsDone,
            step,
            CheckpointState.kept(state.mask()),
            frozen == null ? null : CheckpointState.kept(frozen.mask()),
            frozen == null ? null : frozen.outcome(),
            state.epochs(),
            state.updates(),
            controller.skippedUpdates(),
            TrainerState.counts(optimizer, model),
            TrainerState.counts(controller.optimizer(), controller.block()),
            accumulators,
            network.isCut() ? network.cutStep() : null);
    Path written =
        checkpoints.write(
            epochsDone,
            step,
            saved.withinEpoch(),
            CheckpointState.FILES,
            staging -> {
              TrainerState.writeParameters(staging.resolve(CheckpointState.MODEL), model);
              TrainerState.writeOptimizer(
                  staging.resolve(CheckpointState.MODEL_OPTIMIZER), optimizer, model);
              TrainerState.writeParameters(
                  staging.resolve(CheckpointState.CONTROLLER), controller.block());
              TrainerState.writeOptimizer(
                  staging.resolve(CheckpointState.CONTROLLER_OPTIMIZER),
                  controller.optimizer(),
                  controller.block());
              // Last: a checkpoint directory with its state file is complete.
              Files.writeString(
                  staging.resolve(CheckpointState.STATE), saved.toJson(), StandardCharsets.UTF_8);
            });
    if (saved.withinEpoch()) {
      LOG.info("checkpoint at step {} (in epoch {}) written to {}", step, epochsDone + 1, written);
    } else {
      LOG.info("checkpoint of epoch {} (step {}) written to {}", epochsDone, step, written);
    }
  }

  /** What the user sees of a divergence: where, the likely causes, and what is kept. */
  IllegalStateException diverged(RunDiverged seen, int epoch) {
    String kept;
    try {
      kept =
          checkpoints == null
              ? "no checkpoints were asked for"
              : checkpoints
                  .latest()
                  .map(path -> "the last checkpoint, " + path + ", is kept")
                  .orElse("no checkpoint was written yet");
    } catch (IllegalStateException damaged) {
      // The divergence is the news; a damaged checkpoint beside it is said, not thrown.
      kept = damaged.getMessage();
    }
    return new IllegalStateException(
        String.format(
            Locale.ROOT,
            "%s (epoch %d): the data hold "
                + "NaN or infinite values, or the learning rate makes the model diverge; %s",
            seen.getMessage(),
            epoch,
            kept),
        seen);
  }
}
