package dev.ato.djl;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.ato.cost.FlopsTarget;
import dev.ato.djl.subnet.CompressedModel;
import dev.ato.groups.GroupMask;
import java.util.Locale;

/**
 * What an ATO run gives back: the compressed network, the mask that made it, what it costs
 * compared with the original, and the history of the run.
 *
 * @param compressed the physically smaller network (a new block; the user's model holds the
 *     trained dense weights with the pruned groups at zero)
 * @param mask the final mask over the groups
 * @param target the requested reduction, restated for the prunable part
 * @param channels output channels of every convolution and linear layer, before and after
 * @param flopsBefore multiply-accumulates of the original network
 * @param flopsAfter multiply-accumulates of the compressed network
 * @param parametersBefore trainable parameters of the original network
 * @param parametersAfter trainable parameters of the compressed network
 * @param budget how the mask came to its reduction when it froze
 * @param prunedNormBeforeCut the largest L2 norm among the pruned groups when training ended,
 *     before they were set to exactly zero and cut: 0 when projection had already done it
 * @param metric the name of the run's validation metric: the evaluator given to the builder or
 *     the user's training config, top-1 {@code "Accuracy"} for a classifier given none, else
 *     the loss
 * @param maskedMetric the metric of the dense model with the pruned groups at zero on the
 *     validation data, NaN without validation data
 * @param compressedMetric the metric of the compressed network on the validation data, NaN
 *     without validation data
 * @param epochs metrics of each epoch
 * @param controllerUpdates every controller update, in order
 */
public record AtoResult(
    CompressedModel compressed,
    GroupMask mask,
    FlopsTarget target,
    ImmutableMap<String, LayerChannels> channels,
    long flopsBefore,
    long flopsAfter,
    long parametersBefore,
    long parametersAfter,
    BudgetOutcome budget,
    double prunedNormBeforeCut,
    String metric,
    double maskedMetric,
    double compressedMetric,
    ImmutableList<EpochMetrics> epochs,
    ImmutableList<AtoListener.ControllerUpdate> controllerUpdates) implements AutoCloseable {

  /** Frees the compressed network's parameters. */
  @Override
  public void close() {
    compressed.close();
  }

  /**
   * Output channels of one layer.
   *
   * @param before in the original network
   * @param after in the compressed network
   */
  public record LayerChannels(int before, int after) {}

  /** The share of the original FLOPs that was removed. */
  public double flopsReduction() {
    return 1 - (double) flopsAfter / flopsBefore;
  }

  /**
   * Whether the compressed network's FLOPs reduction is within the tolerance of the target. A
   * run that misses it says so in a warning; see {@link #budget()} for how the mask came to it.
   */
  public boolean targetMet() {
    return Math.abs(flopsReduction() - target.reduction()) <= budget.tolerance() + 1e-12;
  }

  /** The share of the original parameters that was removed. */
  public double parameterReduction() {
    return 1 - (double) parametersAfter / parametersBefore;
  }

  /**
   * A few lines for a log or a console; the validation metric only when the run had validation
   * data to measure it on.
   */
  public String summary() {
    String cost = String.format(Locale.ROOT,
        "FLOPs %,d -> %,d (-%.1f%%, target -%.1f%%, %s); parameters %,d -> %,d (-%.1f%%); "
            + "groups pruned %d of %d, %s",
        flopsBefore, flopsAfter, 100 * flopsReduction(), 100 * target.reduction(),
        !targetMet() ? "MISSED" : budget.kind() == BudgetOutcome.Kind.CORRECTED
            ? "met after correction" : "met",
        parametersBefore, parametersAfter, 100 * parameterReduction(), mask.prunedCount(),
        mask.size(), budget.rounding().multiple() == 1 ? "channels not rounded"
            : "channels in multiples of " + budget.rounding().multiple());
    if (Double.isNaN(maskedMetric) && Double.isNaN(compressedMetric)) {
      return cost + "; " + metric + " not measured (no validation data)";
    }
    return cost + String.format(Locale.ROOT, "; %s masked %.4f, compressed %.4f", metric,
        maskedMetric, compressedMetric);
  }
}
