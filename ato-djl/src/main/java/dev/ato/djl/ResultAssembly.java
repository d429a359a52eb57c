package dev.ato.djl;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.ato.djl.groups.GroupZeroing;
import dev.ato.djl.subnet.CompressedModel;
import dev.ato.graph.Layer;
import dev.ato.graph.Node;
import dev.ato.groups.GroupMask;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of a run (docs/method.md, "The training loop"): the pruned groups set to exactly zero,
 * cut out into the compressed network, both networks scored, and everything gathered into an {@link
 * AtoResult}.
 */
final class ResultAssembly {

  private static final Logger LOG = LoggerFactory.getLogger(ResultAssembly.class);

  private ResultAssembly() {}

  /**
   * @param normBeforeCut the largest norm among the pruned groups when training ended
   */
  static AtoResult assemble(
      RunContext run,
      GroupMask mask,
      BudgetOutcome outcome,
      double normBeforeCut,
      List<EpochMetrics> epochs,
      List<AtoListener.ControllerUpdate> updates) {
    if (normBeforeCut > 0) {
      LOG.warn(
          "the pruned groups were not all at zero when training ended (largest norm {}); "
              + "they are set to zero now, which changes the dense model's outputs: train longer "
              + "after the controller window or use group lasso",
          Figures.fourPlaces(normBeforeCut));
    }
    // The last projection left them at zero already; this makes "masked" exact, not nearly.
    GroupZeroing.zeroPruned(run.graph(), run.groups(), mask);
    CompressedModel compressed = CompressedModel.compress(run.graph(), run.groups(), mask);
    RunSettings settings = run.settings();
    double masked = Double.NaN;
    double small = Double.NaN;
    if (settings.validation() != null) {
      masked = Scoring.score(run.graph().block(), settings.metric(), settings.validation());
      small = Scoring.score(compressed.block(), settings.metric(), settings.validation());
    }
    Map<String, AtoResult.LayerChannels> channels = new LinkedHashMap<>();
    for (Node node : run.graph().graph().nodes()) {
      if (node.layer() instanceof Layer.Conv2d || node.layer() instanceof Layer.Linear) {
        channels.put(
            node.name(),
            new AtoResult.LayerChannels(
                node.output().channels(),
                compressed.graph().node(node.name()).output().channels()));
      }
    }
    AtoResult result =
        new AtoResult(
            settings.config(),
            compressed,
            compressed.mask().orElseThrow(),
            run.target(),
            ImmutableMap.copyOf(channels),
            run.cost().flops(),
            compressed.cost().flops(),
            run.cost().parameters(),
            compressed.cost().parameters(),
            outcome,
            normBeforeCut,
            settings.metric().getName(),
            masked,
            small,
            ImmutableList.copyOf(epochs),
            ImmutableList.copyOf(updates));
    LOG.info("ATO done: {}", result.summary());
    return result;
  }
}
