package dev.ato.djl;

import com.google.common.primitives.Booleans;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import dev.ato.config.AtoConfig;
import dev.ato.djl.AtoListener.ControllerUpdate;
import dev.ato.djl.engine.TrainerState.OptimizerCounts;
import dev.ato.groups.GroupMask;
import dev.ato.storage.CheckpointDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a checkpoint of an ATO run holds, and the schema of its {@code state.json}: where the run
 * stands, and which run it is. Beside the state file, a checkpoint holds four array files (the
 * model's parameters, its optimiser's state, the controller's parameters and its AdamW state); the
 * {@link CheckpointDirectory} covers all five with a checksum manifest.
 *
 * @param format {@value #FORMAT}
 * @param fingerprint what run this is
 * @param epoch the last epoch done, from 1
 * @param step the next step to take
 * @param mask groups the mask kept
 * @param frozenMask groups the frozen mask kept, or null before the freeze
 * @param outcome how the frozen mask came to its reduction, or null before the freeze
 * @param epochs every epoch's metrics so far
 * @param updates every controller update so far
 * @param skippedUpdates controller updates skipped for a non-finite gradient
 * @param model the model optimiser's counts
 * @param controller the controller optimiser's counts
 * @param accumulators within an epoch, DJL's running sums of the epoch's loss and metrics, by
 *     evaluator name and path; null after one
 * @param cutStep the step after which the compressed network took the dense one's place, null
 *     before (the model's arrays are then the dense model's, else the compressed network's)
 */
record CheckpointState(
    String format,
    Fingerprint fingerprint,
    int epoch,
    long step,
    List<Boolean> mask,
    List<Boolean> frozenMask,
    BudgetOutcome outcome,
    List<EpochMetrics> epochs,
    List<ControllerUpdate> updates,
    int skippedUpdates,
    OptimizerCounts model,
    OptimizerCounts controller,
    Map<String, Map<String, Map<String, Double>>> accumulators,
    Long cutStep) {

  static final String FORMAT = "ato-checkpoint/3";
  static final String STATE = "state.json";
  static final String MODEL = "model.arrays";
  static final String MODEL_OPTIMIZER = "model-optimizer.arrays";
  static final String CONTROLLER = "controller.arrays";
  static final String CONTROLLER_OPTIMIZER = "controller-optimizer.arrays";

  /** Every file of a checkpoint, which its checksum manifest lists; the state file last. */
  static final List<String> FILES =
      List.of(MODEL, MODEL_OPTIMIZER, CONTROLLER, CONTROLLER_OPTIMIZER, STATE);

  private static final Gson GSON =
      new GsonBuilder().serializeSpecialFloatingPointValues().setPrettyPrinting().create();

  /** Whether this checkpoint lies within an epoch rather than at its end. */
  boolean withinEpoch() {
    return accumulators != null;
  }

  /** The state as its file holds it. */
  String toJson() {
    return GSON.toJson(this);
  }

  /**
   * What run a checkpoint belongs to: a checkpoint resumes only the run it was written by.
   *
   * @param parameters every model parameter as {@code name shape}
   * @param groups prunable groups
   * @param config the run's configuration as JSON ({@link AtoConfig#toJson()}); an automatic
   *     channel multiple is in it as automatic, not as the machine's block, so that a run resumed
   *     on another machine rounds as that one does
   * @param totalSteps the run's optimiser steps, which the data set's size decides
   * @param heldOut the held-out records' indices in the training data, empty for separate
   *     controller data
   */
  record Fingerprint(
      List<String> parameters, int groups, String config, long totalSteps, List<Long> heldOut) {

    static Fingerprint of(RunContext run) {
      List<String> parameters = new ArrayList<>();
      run.model()
          .getBlock()
          .getParameters()
          .forEach(
              pair -> parameters.add(pair.getKey() + " " + pair.getValue().getArray().getShape()));
      return new Fingerprint(
          parameters,
          run.groups().size(),
          run.settings().config().toJson(),
          run.settings().schedule().totalSteps(),
          run.settings().heldOutIndices());
    }

    /** The first difference from {@code other}, in words. */
    String differenceFrom(Fingerprint other) {
      if (!parameters.equals(other.parameters)) {
        return "the model's parameters differ ("
            + other.parameters.size()
            + " saved, "
            + parameters.size()
            + " now)";
      }
      if (groups != other.groups) {
        return "the model has " + groups + " groups, the checkpoint " + other.groups;
      }
      if (!config.equals(other.config)) {
        return "the configuration differs: " + describe(config, other.config);
      }
      if (totalSteps != other.totalSteps) {
        return "the run has "
            + totalSteps
            + " steps, the checkpoint's "
            + other.totalSteps
            + " (the training data differ)";
      }
      return "the held-out split differs ("
          + heldOut.size()
          + " records now, "
          + other.heldOut.size()
          + " saved)";
    }

    private static String describe(String config, String saved) {
      try {
        return AtoConfig.fromJson(config)
            .differenceFrom(AtoConfig.fromJson(saved))
            .orElse("in its form");
      } catch (IllegalArgumentException unreadable) {
        return "the checkpoint's cannot be read (" + unreadable.getMessage() + ")";
      }
    }
  }

  /**
   * Reads the state of {@code checkpoint}, its files checked against their checksums, and checks
   * that it belongs to {@code fingerprint}'s run.
   *
   * @throws IllegalStateException when it cannot be read, is of another format or another run
   */
  static CheckpointState read(Path checkpoint, Fingerprint fingerprint) {
    CheckpointDirectory.verify(checkpoint, FILES);
    CheckpointState state;
    try {
      state =
          GSON.fromJson(
              Files.readString(checkpoint.resolve(STATE), StandardCharsets.UTF_8),
              CheckpointState.class);
    } catch (IOException | JsonParseException e) {
      throw CheckpointDirectory.unreadable(checkpoint, e.getMessage(), e);
    }
    if (state == null || !FORMAT.equals(state.format()) || state.fingerprint() == null) {
      throw CheckpointDirectory.unreadable(
          checkpoint, "it is not an " + FORMAT + " checkpoint", null);
    }
    if (!fingerprint.equals(state.fingerprint())) {
      throw new IllegalStateException(
          "the checkpoint "
              + checkpoint
              + " is of another run: "
              + fingerprint.differenceFrom(state.fingerprint())
              + ". Resume it with the settings it "
              + "was written with, or give this run another checkpoint directory");
    }
    return state;
  }

  /** The groups a mask keeps, for the state file. */
  static List<Boolean> kept(GroupMask mask) {
    List<Boolean> keep = new ArrayList<>(mask.size());
    for (int g = 0; g < mask.size(); g++) {
      keep.add(mask.isKept(g));
    }
    return keep;
  }

  /** The mask a state file's list of kept groups describes. */
  static GroupMask mask(List<Boolean> kept) {
    return GroupMask.of(Booleans.toArray(kept));
  }
}
