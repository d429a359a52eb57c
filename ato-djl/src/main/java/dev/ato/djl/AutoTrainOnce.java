package dev.ato.djl;

import static com.google.common.base.Preconditions.checkState;

import ai.djl.Model;
import ai.djl.nn.Block;
import dev.ato.config.AtoConfig;
import dev.ato.controller.FlopsBudget;
import dev.ato.cost.CostModel;
import dev.ato.cost.FlopsTarget;
import dev.ato.djl.engine.NoGrad;
import dev.ato.djl.graph.ModelGraph;
import dev.ato.groups.GroupSet;
import dev.ato.schedule.TrainingSchedule;

/**
 * Auto-Train-Once (Wu, Gao et al., "Auto-Train-Once: Controller Network Guided Automatic Network
 * Pruning from Scratch", CVPR 2024) on a DJL model: one training run that trains the model, lets a
 * controller network choose which zero-invariant groups to drop under a FLOPs budget, drives the
 * dropped groups to zero, and hands back a physically smaller network that needs no fine-tuning.
 *
 * <p>Lifecycle, as for a DJL {@code Trainer}:
 *
 * <ol>
 *   <li>{@link #builder()} collects the model, data, budget and options;
 *   <li>{@link AutoTrainOnceBuilder#build()} checks all of them before any training: it initialises
 *       the model for the input shape, reads its channel-flow graph, finds its groups and converts
 *       the budget, so a bad input fails here with a message that names it;
 *   <li>{@link #fit()} runs Algorithm 1 of the paper and returns an {@link AtoResult};
 *   <li>{@link #close()} frees the model ato made when it was given a bare {@link Block}.
 * </ol>
 *
 * <pre>{@code
 * try (AutoTrainOnce ato = AutoTrainOnce.builder()
 *         .setModel(model)
 *         .setInputShape(new Shape(1, 1, 28, 28))
 *         .setTrainingData(train)
 *         .optValidationData(test)
 *         .setFlopsReduction(0.5)
 *         .setEpochs(10)
 *         .build();
 *     AtoResult result = ato.fit()) {
 *   result.compressed().save(Paths.get("build/compressed"));
 * }
 * }</pre>
 *
 * <p>The options that decide what the run computes, apart from the model, the data and DJL's
 * training setup, form an {@link AtoConfig}: set them here one by one, or whole with {@link
 * AutoTrainOnceBuilder#optConfig}. The result carries the configuration ({@link
 * AtoResult#config()}).
 */
public final class AutoTrainOnce implements AutoCloseable {

  private final RunContext context;
  private boolean fitted;

  AutoTrainOnce(RunContext context) {
    this.context = context;
  }

  /** Starts a builder. */
  public static AutoTrainOnceBuilder builder() {
    return new AutoTrainOnceBuilder();
  }

  /** The run's configuration: the options given, defaults filled in. */
  public AtoConfig config() {
    return context.settings().config();
  }

  /** The model's channel-flow graph as read by {@link AutoTrainOnceBuilder#build()}. */
  public ModelGraph graph() {
    return context.graph();
  }

  /** The prunable groups and controller blocks. */
  public GroupSet groups() {
    return context.groups();
  }

  /** The model's costs, whole and under a mask. */
  public CostModel cost() {
    return context.cost();
  }

  /** The FLOPs target, for the whole model and for its prunable part. */
  public FlopsTarget target() {
    return context.target();
  }

  /** The FLOPs budget the run must keep: the target and its tolerance. */
  public FlopsBudget budget() {
    return context.budget();
  }

  /**
   * The run's schedule: its total steps, when the controller trains, when projection starts and
   * when the mask freezes.
   */
  public TrainingSchedule schedule() {
    return context.settings().schedule();
  }

  /**
   * The optimiser steps {@link #fit()} will take: batches per epoch of the training data less the
   * controller's held-out share, times the epochs. For sizing a learning-rate schedule.
   */
  public long totalSteps() {
    return schedule().totalSteps();
  }

  /** The model being trained and pruned: the user's, or the one ato made for a bare block. */
  public Model model() {
    return context.model();
  }

  /** What the run reads: package-private, for the run's parts and their tests. */
  RunContext context() {
    return context;
  }

  /**
   * Runs ATO: trains the model and the controller, projects the pruned groups to zero, and cuts
   * them out. The user's model ends up holding the trained dense weights, pruned groups at zero.
   */
  public AtoResult fit() {
    checkState(
        !fitted,
        "fit() was already called: an ATO run trains its model once; build a "
            + "new AutoTrainOnce for another run");
    fitted = true;
    // PyTorch's grad mode is per thread, and DJL switches it off only on the thread that started
    // the engine: on any other thread (a pool's, a Spark executor's) autograd would record outside
    // DJL's GradientCollector, and refuse the run's in-place edits of the parameters.
    try (NoGrad ignored = NoGrad.enter()) {
      return new AtoRun(context).run();
    }
  }

  /** Frees the model ato created for a bare block; a user's {@link Model} is left open. */
  @Override
  public void close() {
    if (context.ownsModel()) {
      context.model().close();
    }
  }
}
