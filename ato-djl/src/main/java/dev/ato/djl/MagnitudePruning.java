package dev.ato.djl;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.ato.controller.FlopsBudget;
import dev.ato.cost.CostModel;
import dev.ato.djl.engine.EngineCheck;
import dev.ato.djl.graph.ModelGraph;
import dev.ato.djl.graph.ModelReader;
import dev.ato.djl.graph.ReadOptions;
import dev.ato.djl.subnet.CompressedModel;
import dev.ato.groups.GroupMask;
import dev.ato.groups.GroupOptions;
import dev.ato.groups.GroupSet;
import dev.ato.groups.ZeroInvariantGroups;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One-shot pruning of a model that is trained already: the zero-invariant groups whose weights have
 * the smallest root mean square, relative to the mean of their layer's groups, are cut until the
 * FLOPs budget is reached (within {@link FlopsBudget#DEFAULT_TOLERANCE}), each layer keeping a
 * channel. This is the classic magnitude criterion in the L2 form, normalised per layer and ranked
 * over the whole network, as Torch-Pruning's magnitude importance with its mean normaliser. It is
 * what ATO is compared with in docs/benchmarks.md; the compressed network usually needs fine-tuning
 * afterwards, which an {@link AutoTrainOnce} run does not.
 *
 * <pre>{@code
 * try (CompressedModel smaller = MagnitudePruning.prune(trained, new Shape(1, 1, 28, 28), 0.5)) {
 *   smaller.save(Paths.get("build/pruned"));
 * }
 * }</pre>
 */
public final class MagnitudePruning {

  private static final Logger LOG = LoggerFactory.getLogger(MagnitudePruning.class);

  private MagnitudePruning() {}

  /**
   * Cuts {@code reduction} of {@code trained}'s FLOPs out by magnitude; {@code trained} itself is
   * left as it is.
   *
   * @param trained an initialised (trained) block
   * @param inputShape the shape of one input batch, batch axis first
   * @param reduction the share of the whole model's FLOPs to remove, in (0, 1)
   * @throws IllegalArgumentException when the block is not initialised, cannot be read, or the
   *     groups are too coarse to reach the reduction within the tolerance
   */
  public static CompressedModel prune(Block trained, Shape inputShape, double reduction) {
    checkArgument(trained != null, "the block must not be null");
    checkArgument(
        trained.isInitialized(),
        "the block is not initialised: magnitude pruning "
            + "cuts a trained model, so train it first (AutoTrainOnce trains and prunes in one run)");
    EngineCheck.requireCorrect();
    ModelGraph graph =
        ModelReader.read(trained, inputShape, "magnitude-pruned", ReadOptions.defaults());
    GroupSet groups = ZeroInvariantGroups.find(graph.graph(), GroupOptions.defaults());
    CostModel cost = CostModel.of(graph.graph(), groups);
    FlopsBudget budget =
        FlopsBudget.of(
            cost, groups, cost.targetForReduction(reduction), FlopsBudget.DEFAULT_TOLERANCE);
    double[] magnitudes;
    try (NDManager manager =
        NDManager.newBaseManager(trained.getParameters().valueAt(0).getArray().getDevice())) {
      magnitudes = GroupMagnitudes.rootMeanSquares(graph, groups, manager);
    }
    GroupMask mask = budget.correct(GroupMask.allKept(groups.size()), magnitudes).mask();
    checkArgument(
        budget.isMet(mask),
        "cutting the groups of smallest magnitude gets to "
            + "-%s%% of the FLOPs, not -%s%% +- %s points: the groups are too coarse; ask for a "
            + "reduction nearer -%s%%",
        percent(budget.reduction(mask)),
        percent(reduction),
        percent(budget.tolerance()),
        percent(budget.reduction(mask)));
    LOG.info(
        "magnitude pruning: {} of {} groups cut, -{}% of the FLOPs",
        mask.prunedCount(), groups.size(), percent(budget.reduction(mask)));
    return CompressedModel.compress(graph, groups, mask);
  }

  private static String percent(double share) {
    return String.format(Locale.ROOT, "%.1f", 100 * share);
  }
}
