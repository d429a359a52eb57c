package dev.ato.config;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import dev.ato.controller.FlopsBudget;
import dev.ato.groups.GroupOptions;
import dev.ato.projection.Projection;
import dev.ato.schedule.TrainingSchedule;
import java.util.HashSet;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Everything that decides what an ATO run computes, apart from the model, the data and the engine's
 * training setup: the FLOPs budget, the epochs, the schedule, the controller's settings, the
 * projection, where the mask comes from, the channel rounding, the group options and the seed.
 * Engine-neutral and immutable; equal configurations give equal runs on equal models and data.
 *
 * <p>A run carries its configuration into its result (the provenance of a compressed network) and
 * its checkpoints (a checkpoint resumes only the run it came from); {@link #toJson()} and {@link
 * #fromJson(String)} write and read it. Settings that ato resolves for the run at hand are empty
 * optionals here: the controller's learning rate (the paper's 1e-3 unless given), the channel
 * multiple (the engine's channel block) and the controller's data fraction (5%, or none when the
 * controller has data of its own).
 *
 * <pre>{@code
 * AtoConfig config = AtoConfig.builder().setFlopsReduction(0.5).setEpochs(12)
 *     .optProjection(Projection.halfSpace(0.1)).build();
 * }</pre>
 */
public final class AtoConfig {

  /** The paper's weight of the FLOPs penalty in the controller's loss. */
  public static final double DEFAULT_RESOURCE_WEIGHT = 4.0;

  /** The paper's share of the training data held out for the controller. */
  public static final double DEFAULT_CONTROLLER_DATA_FRACTION = 0.05;

  /** The seed of a run that names none. */
  public static final long DEFAULT_SEED = 42L;

  private final double flopsReduction;
  private final int epochs;
  private final double flopsTolerance;
  private final boolean budgetCorrection;
  private final boolean failOnMissedTarget;
  private final boolean trainCompressedAfterFreeze;
  private final double controllerStart;
  private final double warmup;
  private final double controllerEnd;
  private final int controllerUpdates;
  private final int controllerInterval;
  private final double controllerLearningRate;
  private final double resourceWeight;
  private final double controllerDataFraction;
  private final Projection projection;
  private final MaskSource maskSource;
  private final int channelMultiple;
  private final GroupOptions groupOptions;
  private final long seed;

  /** The JSON form, which equality and hashing compare: every setting, in a fixed order. */
  private final String json;

  private AtoConfig(Builder b) {
    this.flopsReduction = b.flopsReduction;
    this.epochs = b.epochs;
    this.flopsTolerance = b.flopsTolerance;
    this.budgetCorrection = b.budgetCorrection;
    this.failOnMissedTarget = b.failOnMissedTarget;
    this.trainCompressedAfterFreeze = b.trainCompressedAfterFreeze;
    this.controllerStart = b.controllerStart;
    this.warmup = b.warmup;
    this.controllerEnd = b.controllerEnd;
    this.controllerUpdates = b.controllerUpdates;
    this.controllerInterval = b.controllerInterval;
    this.controllerLearningRate = b.controllerLearningRate;
    this.resourceWeight = b.resourceWeight;
    this.controllerDataFraction = b.controllerDataFraction;
    this.projection = b.projection;
    this.maskSource = b.maskSource;
    this.channelMultiple = b.channelMultiple;
    this.groupOptions = b.groupOptions;
    this.seed = b.seed;
    this.json = ConfigJson.write(this);
  }

  /** Starts a builder with the paper's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this configuration, to derive another from it. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.flopsReduction = flopsReduction;
    b.epochs = epochs;
    b.flopsTolerance = flopsTolerance;
    b.budgetCorrection = budgetCorrection;
    b.failOnMissedTarget = failOnMissedTarget;
    b.trainCompressedAfterFreeze = trainCompressedAfterFreeze;
    b.controllerStart = controllerStart;
    b.warmup = warmup;
    b.controllerEnd = controllerEnd;
    b.controllerUpdates = controllerUpdates;
    b.controllerInterval = controllerInterval;
    b.controllerLearningRate = controllerLearningRate;
    b.resourceWeight = resourceWeight;
    b.controllerDataFraction = controllerDataFraction;
    b.projection = projection;
    b.maskSource = maskSource;
    b.channelMultiple = channelMultiple;
    b.groupOptions = groupOptions;
    b.seed = seed;
    return b;
  }

  /** The share of the whole model's FLOPs to remove, in (0, 1). */
  public double flopsReduction() {
    return flopsReduction;
  }

  /** Passes over the training data (less the controller's held-out part). */
  public int epochs() {
    return epochs;
  }

  /** How far the final reduction may lie from {@link #flopsReduction()}, in FLOPs shares. */
  public double flopsTolerance() {
    return flopsTolerance;
  }

  /** Whether a mask outside the budget is corrected when it freezes. */
  public boolean budgetCorrection() {
    return budgetCorrection;
  }

  /** Whether a missed budget fails the run instead of being reported. */
  public boolean failOnMissedTarget() {
    return failOnMissedTarget;
  }

  /**
   * Whether the compressed network trains in the dense model's place once the mask froze and its
   * pruned groups reached zero.
   */
  public boolean trainCompressedAfterFreeze() {
    return trainCompressedAfterFreeze;
  }

  /** When the controller starts training, as a fraction of all steps. */
  public double controllerStart() {
    return controllerStart;
  }

  /** When projection starts, as a fraction of all steps. */
  public double warmup() {
    return warmup;
  }

  /** When the controller stops and the mask freezes, as a fraction of all steps. */
  public double controllerEnd() {
    return controllerEnd;
  }

  /**
   * The controller updates spread over its window; empty when {@link #controllerInterval()} sets
   * the steps between updates instead.
   */
  public OptionalInt controllerUpdates() {
    return controllerInterval > 0 ? OptionalInt.empty() : OptionalInt.of(controllerUpdates);
  }

  /** The steps between controller updates, when given instead of their number. */
  public OptionalInt controllerInterval() {
    return controllerInterval > 0 ? OptionalInt.of(controllerInterval) : OptionalInt.empty();
  }

  /** The controller's AdamW learning rate; empty for the paper's 1e-3. */
  public OptionalDouble controllerLearningRate() {
    return Double.isNaN(controllerLearningRate)
        ? OptionalDouble.empty()
        : OptionalDouble.of(controllerLearningRate);
  }

  /** The weight of the FLOPs penalty in the controller's loss. */
  public double resourceWeight() {
    return resourceWeight;
  }

  /**
   * The share of the training data held out for the controller; empty for the default {@value
   * #DEFAULT_CONTROLLER_DATA_FRACTION}, or none when the controller has data of its own.
   */
  public OptionalDouble controllerDataFraction() {
    return Double.isNaN(controllerDataFraction)
        ? OptionalDouble.empty()
        : OptionalDouble.of(controllerDataFraction);
  }

  /** The projection that drives pruned groups to zero. */
  public Projection projection() {
    return projection;
  }

  /** What chooses the pruned groups. */
  public MaskSource maskSource() {
    return maskSource;
  }

  /**
   * The step to which each controller block's kept groups are rounded when the mask freezes; empty
   * for the engine's channel block, which ato reads off the device.
   */
  public OptionalInt channelMultiple() {
    return channelMultiple > 0 ? OptionalInt.of(channelMultiple) : OptionalInt.empty();
  }

  /** How groups are found and partitioned into controller blocks. */
  public GroupOptions groupOptions() {
    return groupOptions;
  }

  /** The seed of the held-out split, the initial weights, the controller and its noise. */
  public long seed() {
    return seed;
  }

  /** The run's schedule for {@code totalSteps} optimiser steps. */
  public TrainingSchedule schedule(long totalSteps) {
    TrainingSchedule.Builder schedule =
        TrainingSchedule.builder()
            .setTotalSteps(totalSteps)
            .optControllerStart(controllerStart)
            .optWarmup(warmup)
            .optControllerEnd(controllerEnd);
    if (controllerInterval > 0) {
      schedule.optControllerInterval(controllerInterval);
    } else {
      schedule.optControllerUpdates(controllerUpdates);
    }
    return schedule.build();
  }

  /** This configuration as JSON, every setting named; {@link #fromJson} reads it back. */
  public String toJson() {
    return json;
  }

  /**
   * The configuration {@link #toJson()} wrote.
   *
   * @throws IllegalArgumentException when {@code json} is not such a configuration, naming what is
   *     wrong
   */
  public static AtoConfig fromJson(String json) {
    return ConfigJson.read(json);
  }

  /**
   * The first setting in which this configuration differs from {@code other}, in words, e.g. {@code
   * "seed is 43, not 42"}; empty when they are equal.
   */
  public Optional<String> differenceFrom(AtoConfig other) {
    return ConfigJson.firstDifference(json, other.json);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AtoConfig other && json.equals(other.json);
  }

  @Override
  public int hashCode() {
    return json.hashCode();
  }

  @Override
  public String toString() {
    return "AtoConfig" + json;
  }

  /**
   * Collects a configuration. {@code set*} options are required, {@code opt*} ones have the paper's
   * defaults; setting an option twice is an error, and {@link #build()} checks the rules between
   * options.
   */
  public static final class Builder {
    private double flopsReduction = Double.NaN;
    private int epochs;
    private double flopsTolerance = FlopsBudget.DEFAULT_TOLERANCE;
    private boolean budgetCorrection = true;
    private boolean failOnMissedTarget;
    private boolean trainCompressedAfterFreeze = true;
    private double controllerStart = TrainingSchedule.DEFAULT_CONTROLLER_START;
    private double warmup = TrainingSchedule.DEFAULT_WARMUP;
    private double controllerEnd = TrainingSchedule.DEFAULT_CONTROLLER_END;
    private int controllerUpdates = TrainingSchedule.DEFAULT_CONTROLLER_UPDATES;
    private int controllerInterval;
    private double controllerLearningRate = Double.NaN;
    private double resourceWeight = DEFAULT_RESOURCE_WEIGHT;
    private double controllerDataFraction = Double.NaN;
    private Projection projection = Projection.groupLasso();
    private MaskSource maskSource = MaskSource.CONTROLLER;
    private int channelMultiple;
    private GroupOptions groupOptions = GroupOptions.defaults();
    private long seed = DEFAULT_SEED;
    private final Set<String> set = new HashSet<>();

    private Builder() {}

    /** Fails when the option {@code alreadySet} names was set before, e.g. "the seed was". */
    private void once(String alreadySet) {
      checkState(set.add(alreadySet), "%s already set", alreadySet);
    }

    /** Sets the share of the whole model's FLOPs to remove, in (0, 1), e.g. 0.55. Required. */
    public Builder setFlopsReduction(double reduction) {
      once("the FLOPs reduction was");
      checkArgument(
          reduction > 0 && reduction < 1,
          "a FLOPs reduction must lie in (0, 1), e.g. 0.55 to remove 55% of FLOPs; found %s",
          reduction);
      this.flopsReduction = reduction;
      return this;
    }

    /** Sets the number of epochs over the training data (less the held-out part). Required. */
    public Builder setEpochs(int epochs) {
      once("the epochs were");
      checkArgument(epochs >= 1, "train for at least 1 epoch, found %s", epochs);
      this.epochs = epochs;
      return this;
    }

    /**
     * Sets how far the final FLOPs reduction may lie from the target, in FLOPs shares. Default
     * 0.01: one percentage point.
     */
    public Builder optFlopsTolerance(double tolerance) {
      once("the FLOPs tolerance was");
      checkArgument(
          tolerance > 0 && tolerance < 1,
          "the FLOPs tolerance must lie in (0, 1), e.g. 0.01 for one percentage point; found %s",
          tolerance);
      this.flopsTolerance = tolerance;
      return this;
    }

    /**
     * Sets whether a mask outside the budget when it freezes is corrected to the budget (pruning or
     * keeping the groups the controller scored nearest its threshold). Default on.
     */
    public Builder optBudgetCorrection(boolean correct) {
      once("the budget correction was");
      this.budgetCorrection = correct;
      return this;
    }

    /**
     * Sets whether a run whose mask misses the budget fails with a {@code
     * FlopsTargetMissedException} when the mask freezes, instead of finishing and saying so.
     * Default off.
     */
    public Builder optFailOnMissedTarget(boolean fail) {
      once("failing on a missed target was");
      this.failOnMissedTarget = fail;
      return this;
    }

    /**
     * Sets whether the compressed network trains in the dense model's place from the step at which
     * the mask has frozen and its pruned groups have reached zero. From then on the dense model
     * computes the same as the compressed one (its pruned channels give zeros) at the dense cost,
     * so the swap saves time and changes nothing but floating-point order; the optimiser's state
     * follows the kept channels. Default on; off trains the dense model to the last step, as the
     * paper's code does.
     */
    public Builder optTrainCompressedAfterFreeze(boolean train) {
      once("training the compressed network after the freeze was");
      this.trainCompressedAfterFreeze = train;
      return this;
    }

    /**
     * Sets when things happen, as fractions of all steps: the controller trains from {@code
     * controllerStart} to {@code controllerEnd}, projection starts at {@code warmup}. Defaults 0.1,
     * 0.2, 0.5, in the order {@code controllerStart <= warmup <= controllerEnd}.
     */
    public Builder optSchedule(double controllerStart, double warmup, double controllerEnd) {
      once("the schedule was");
      this.controllerStart = controllerStart;
      this.warmup = warmup;
      this.controllerEnd = controllerEnd;
      return this;
    }

    /**
     * Sets the number of controller updates, spread evenly over the controller window and never
     * closer than {@value TrainingSchedule#MIN_CONTROLLER_SPACING} steps apart. Default {@value
     * TrainingSchedule#DEFAULT_CONTROLLER_UPDATES}; a window with room for fewer trains the
     * controller every {@value TrainingSchedule#MIN_CONTROLLER_SPACING} steps at a larger learning
     * rate ({@link TrainingSchedule}).
     */
    public Builder optControllerUpdates(int updates) {
      once("the controller updates were");
      checkState(
          controllerInterval == 0,
          "the controller interval was set: give either "
              + "optControllerUpdates or optControllerInterval, not both");
      checkArgument(updates >= 1, "the controller needs at least 1 update, found %s", updates);
      this.controllerUpdates = updates;
      return this;
    }

    /** Sets the steps between controller updates (the paper's 20) instead of their number. */
    public Builder optControllerInterval(int steps) {
      once("the controller interval was");
      checkState(
          !set.contains("the controller updates were"),
          "the controller updates were "
              + "set: give either optControllerUpdates or optControllerInterval, not both");
      checkArgument(steps >= 1, "the controller interval must be at least 1 step, found %s", steps);
      this.controllerInterval = steps;
      return this;
    }

    /** Sets the controller's AdamW learning rate. Default: the paper's 1e-3. */
    public Builder optControllerLearningRate(double rate) {
      once("the controller learning rate was");
      checkArgument(
          rate > 0 && Double.isFinite(rate),
          "the controller learning rate must be positive and finite, found %s",
          rate);
      this.controllerLearningRate = rate;
      return this;
    }

    /** Sets the weight of the FLOPs penalty in the controller's loss. Default 4, the paper's. */
    public Builder optResourceWeight(double weight) {
      once("the resource weight was");
      checkArgument(
          weight > 0 && Double.isFinite(weight),
          "the resource weight must be positive and finite, found %s",
          weight);
      this.resourceWeight = weight;
      return this;
    }

    /**
     * Sets the share of the training data held out for the controller. Default {@value
     * #DEFAULT_CONTROLLER_DATA_FRACTION}, the paper's.
     */
    public Builder optControllerDataFraction(double fraction) {
      once("the controller data fraction was");
      checkArgument(
          fraction > 0 && fraction < 1,
          "the controller data fraction must lie in (0, 1), found %s",
          fraction);
      this.controllerDataFraction = fraction;
      return this;
    }

    /** Sets the projection. Default: {@link Projection#groupLasso()}. */
    public Builder optProjection(Projection projection) {
      once("the projection was");
      this.projection = checkNotNull(projection, "the projection must not be null");
      return this;
    }

    /**
     * Sets where the mask comes from. Default {@link MaskSource#CONTROLLER}, ATO itself; {@link
     * MaskSource#MAGNITUDE} is the same run with the groups chosen by their weights' magnitude, a
     * baseline to compare ATO with.
     */
    public Builder optMaskSource(MaskSource source) {
      once("the mask source was");
      this.maskSource = checkNotNull(source, "the mask source must not be null");
      return this;
    }

    /**
     * Sets the step to which each controller block's kept groups are rounded when the mask freezes:
     * a multiple of {@code multiple}, or the whole block, the budget then reached in such steps
     * ({@link FlopsBudget#roundBlocks}). Engines compute in blocks of channels and pay for a partly
     * filled block as for a full one (oneDNN: 8 for SSE4.1 and AVX2, 16 for AVX-512). Default: the
     * engine's block on the training device, or a finer step when the engine's misses the budget; 1
     * for no rounding.
     */
    public Builder optChannelMultiple(int multiple) {
      once("the channel multiple was");
      checkArgument(
          multiple >= 1,
          "the channel multiple must be at least 1 (1 for no "
              + "rounding, 8 or 16 for oneDNN's blocks), found %s",
          multiple);
      this.channelMultiple = multiple;
      return this;
    }

    /** Sets how groups are found and partitioned. Default {@link GroupOptions#defaults()}. */
    public Builder optGroupOptions(GroupOptions options) {
      once("the group options were");
      this.groupOptions = checkNotNull(options, "the group options must not be null");
      return this;
    }

    /**
     * Sets the seed of the held-out split, the initial weights, the controller and its noise, and
     * the engine's generator for each epoch. Default {@value #DEFAULT_SEED}.
     */
    public Builder optSeed(long seed) {
      once("the seed was");
      this.seed = seed;
      return this;
    }

    /**
     * Checks the options and the rules between them; may be called again.
     *
     * @throws IllegalStateException when a required option is missing
     * @throws IllegalArgumentException when the schedule's fractions are out of order
     */
    public AtoConfig build() {
      checkState(!Double.isNaN(flopsReduction), "setFlopsReduction(...) is required");
      checkState(epochs >= 1, "setEpochs(...) is required");
      AtoConfig config = new AtoConfig(this);
      // The schedule checks its own fractions; one schedule of any length checks them all.
      config.schedule(1);
      return config;
    }
  }
}
