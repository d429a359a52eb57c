package dev.ato.djl;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.ato.config.AtoConfig;
import dev.ato.cost.FlopsTarget;
import dev.ato.djl.subnet.CompressedModel;
import dev.ato.groups.GroupMask;
import java.util.Locale;

/**
 * What an ATO run gives back: the compressed network, the mask that made it, what it costs compared
 * with the original, the history of the run, and the configuration that produced it (its
 * provenance, as a Tribuo model carries its trainer's). Immutable apart from the compressed
 * network, which it closes.
 */
public final class AtoResult implements AutoCloseable {

  private final AtoConfig config;
  private final CompressedModel compressed;
  private final GroupMask mask;
  private final FlopsTarget target;
  private final ImmutableMap<String, LayerChannels> channels;
  private final long flopsBefore;
  private final long flopsAfter;
  private final long parametersBefore;
  private final long parametersAfter;
  private final BudgetOutcome budget;
  private final double prunedNormBeforeCut;
  private final String metric;
  private final double maskedMetric;
  private final double compressedMetric;
  private final ImmutableList<EpochMetrics> epochs;
  private final ImmutableList<AtoListener.ControllerUpdate> controllerUpdates;

  AtoResult(
      AtoConfig config,
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
      ImmutableList<AtoListener.ControllerUpdate> controllerUpdates) {
    this.config = config;
    this.compressed = compressed;
    this.mask = mask;
    this.target = target;
    this.channels = channels;
    this.flopsBefore = flopsBefore;
    this.flopsAfter = flopsAfter;
    this.parametersBefore = parametersBefore;
    this.parametersAfter = parametersAfter;
    this.budget = budget;
    this.prunedNormBeforeCut = prunedNormBeforeCut;
    this.metric = metric;
    this.maskedMetric = maskedMetric;
    this.compressedMetric = compressedMetric;
    this.epochs = epochs;
    this.controllerUpdates = controllerUpdates;
  }

  /** The run's configuration: every option given, defaults filled in. */
  public AtoConfig config() {
    return config;
  }

  /**
   * The physically smaller network: a new block; the user's model holds the trained dense weights
   * with the pruned groups at zero.
   */
  public CompressedModel compressed() {
    return compressed;
  }

  /** The final mask over the groups. */
  public GroupMask mask() {
    return mask;
  }

  /** The requested reduction, restated for the prunable part. */
  public FlopsTarget target() {
    return target;
  }

  /** Output channels of every convolution and linear layer, before and after, by layer name. */
  public ImmutableMap<String, LayerChannels> channels() {
    return channels;
  }

  /** Multiply-accumulates of the original network. */
  public long flopsBefore() {
    return flopsBefore;
  }

  /** Multiply-accumulates of the compressed network. */
  public long flopsAfter() {
    return flopsAfter;
  }

  /** Trainable parameters of the original network. */
  public long parametersBefore() {
    return parametersBefore;
  }

  /** Trainable parameters of the compressed network. */
  public long parametersAfter() {
    return parametersAfter;
  }

  /** How the mask came to its reduction when it froze. */
  public BudgetOutcome budget() {
    return budget;
  }

  /**
   * The largest L2 norm among the pruned groups when training ended, before they were set to
   * exactly zero and cut: 0 when projection had already done it.
   */
  public double prunedNormBeforeCut() {
    return prunedNormBeforeCut;
  }

  /**
   * The name of the run's validation metric: the evaluator given to the builder or the user's
   * training config, top-1 {@code "Accuracy"} for a classifier given none, else the loss.
   */
  public String metric() {
    return metric;
  }

  /**
   * The metric of the dense model with the pruned groups at zero on the validation data, NaN
   * without validation data.
   */
  public double maskedMetric() {
    return maskedMetric;
  }

  /** The metric of the compressed network on the validation data, NaN without validation data. */
  public double compressedMetric() {
    return compressedMetric;
  }

  /** Metrics of each epoch. */
  public ImmutableList<EpochMetrics> epochs() {
    return epochs;
  }

  /** Every controller update, in order. */
  public ImmutableList<AtoListener.ControllerUpdate> controllerUpdates() {
    return controllerUpdates;
  }

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
   * Whether the compressed network's FLOPs reduction is within the tolerance of the target. A run
   * that misses it says so in a warning; see {@link #budget()} for how the mask came to it.
   */
  public boolean targetMet() {
    return Math.abs(flopsReduction() - target.reduction()) <= budget.tolerance() + 1e-12;
  }

  /** The share of the original parameters that was removed. */
  public double parameterReduction() {
    return 1 - (double) parametersAfter / parametersBefore;
  }

  /**
   * A few lines for a log or a console; the validation metric only when the run had validation data
   * to measure it on.
   */
  public String summary() {
    String cost =
        String.format(
            Locale.ROOT,
            "FLOPs %,d -> %,d (-%.1f%%, target -%.1f%%, %s); parameters %,d -> %,d (-%.1f%%); "
                + "groups pruned %d of %d, %s",
            flopsBefore,
            flopsAfter,
            100 * flopsReduction(),
            100 * target.reduction(),
            !targetMet()
                ? "MISSED"
                : budget.kind() == BudgetOutcome.Kind.CORRECTED ? "met after correction" : "met",
            parametersBefore,
            parametersAfter,
            100 * parameterReduction(),
            mask.prunedCount(),
            mask.size(),
            budget.rounding().multiple() == 1
                ? "channels not rounded"
                : "channels in multiples of " + budget.rounding().multiple());
    if (Double.isNaN(maskedMetric) && Double.isNaN(compressedMetric)) {
      return cost + "; " + metric + " not measured (no validation data)";
    }
    return cost
        + String.format(
            Locale.ROOT,
            "; %s masked %.4f, compressed %.4f",
            metric,
            maskedMetric,
            compressedMetric);
  }

  @Override
  public String toString() {
    return "AtoResult(" + summary() + ")";
  }
}
