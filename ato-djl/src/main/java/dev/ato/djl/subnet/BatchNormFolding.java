package dev.ato.djl.subnet;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.ato.djl.graph.BatchNormSettings;
import dev.ato.graph.ChannelGraph;
import dev.ato.graph.Layer;
import dev.ato.graph.Node;
import dev.ato.graph.Parameter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Folds each batch norm into the convolution or linear layer before it. In inference mode a batch
 * norm computes {@code y = (x - mean) * s + beta} per channel with {@code s = gamma / sqrt(var +
 * epsilon)}; applied to {@code x = w * in + b}, that is a layer of weight {@code w * s} and bias
 * {@code (b - mean) * s + beta}, one layer where there were two. DJL's batch norm uses gamma and
 * beta whether or not they are trained, so they are folded as they are. A batch norm stays when the
 * layer before it is of another kind or is read by others too (its output would change for them).
 */
final class BatchNormFolding {

  private BatchNormFolding() {}

  /**
   * The inference form of a network.
   *
   * @param spec its description
   * @param parameters every parameter's values, by layer and parameter name
   * @param folded how many batch norms were folded
   */
  record Folded(
      SubnetSpec spec,
      ImmutableMap<String, ImmutableMap<String, float[]>> parameters,
      int folded) {}

  /**
   * Folds the batch norms of {@code spec}, whose parameters {@code values} gives as {@code (layer,
   * parameter) -> values}.
   */
  static Folded fold(SubnetSpec spec, BiFunction<String, String, float[]> values) {
    ChannelGraph graph = spec.toGraph();
    Map<String, String> foldedInto = new HashMap<>();
    Map<String, String> normAfter = new HashMap<>();
    for (Node node : graph.nodes()) {
      if (node.layer() instanceof Layer.BatchNorm && foldable(graph, node)) {
        foldedInto.put(node.name(), node.inputs().get(0));
        normAfter.put(node.inputs().get(0), node.name());
      }
    }
    List<SubnetSpec.NodeSpec> nodes = new ArrayList<>();
    Map<String, BatchNormSettings> norms = new LinkedHashMap<>();
    Map<String, ImmutableMap<String, float[]>> parameters = new LinkedHashMap<>();
    for (Node node : graph.nodes()) {
      if (foldedInto.containsKey(node.name())) {
        continue;
      }
      List<String> inputs = node.inputs().stream().map(i -> foldedInto.getOrDefault(i, i)).toList();
      String norm = normAfter.get(node.name());
      Map<String, float[]> own = new LinkedHashMap<>();
      if (!(node.layer() instanceof Layer.Opaque)) {
        // An opaque layer is the original model's block, shared as it is.
        node.parameters().forEach(p -> own.put(p.name(), values.apply(node.name(), p.name())));
      }
      Layer layer = node.layer();
      if (norm != null) {
        layer = withBias(layer);
        foldNorm(node, own, graph.node(norm), spec.batchNorms().get(norm), values);
      } else if (layer instanceof Layer.BatchNorm) {
        norms.put(node.name(), spec.batchNorms().get(node.name()));
      }
      nodes.add(new SubnetSpec.NodeSpec(node.name(), layer, inputs));
      if (!own.isEmpty()) {
        parameters.put(node.name(), ImmutableMap.copyOf(own));
      }
    }
    List<String> outputs =
        graph.outputs().stream().map(o -> foldedInto.getOrDefault(o, o)).toList();
    SubnetSpec folded =
        new SubnetSpec(
            SubnetSpec.FORMAT_VERSION,
            spec.name(),
            nodes,
            outputs,
            norms,
            SubnetSpec.Form.INFERENCE,
            spec.originalFlops());
    return new Folded(folded, ImmutableMap.copyOf(parameters), foldedInto.size());
  }

  /** Whether {@code norm} reads a convolution or linear layer that nothing else reads. */
  private static boolean foldable(ChannelGraph graph, Node norm) {
    Node before = graph.node(norm.inputs().get(0));
    return (before.layer() instanceof Layer.Conv2d || before.layer() instanceof Layer.Linear)
        && graph.consumers(before.name()).equals(ImmutableList.of(norm.name()))
        && !graph.outputs().contains(before.name());
  }

  private static Layer withBias(Layer layer) {
    if (layer instanceof Layer.Conv2d c) {
      return new Layer.Conv2d(
          c.filters(),
          c.inChannels(),
          c.kernelH(),
          c.kernelW(),
          c.strideH(),
          c.strideW(),
          c.padH(),
          c.padW(),
          c.dilationH(),
          c.dilationW(),
          c.groups(),
          true);
    }
    Layer.Linear linear = (Layer.Linear) layer;
    return new Layer.Linear(linear.units(), linear.inFeatures(), true);
  }

  /**
   * Rewrites {@code layer}'s weight and bias in {@code own} to include the batch norm {@code norm}
   * after it.
   */
  private static void foldNorm(
      Node layer,
      Map<String, float[]> own,
      Node norm,
      BatchNormSettings settings,
      BiFunction<String, String, float[]> values) {
    float[] gamma = values.apply(norm.name(), "gamma");
    float[] beta = values.apply(norm.name(), "beta");
    float[] mean = values.apply(norm.name(), "runningMean");
    float[] variance = values.apply(norm.name(), "runningVar");
    float[] weight = own.get("weight").clone();
    float[] bias = own.containsKey("bias") ? own.get("bias") : new float[gamma.length];
    Parameter weightShape = layer.parameter("weight").orElseThrow();
    int channels = weightShape.shape().get(0);
    int perChannel = weight.length / channels;
    float[] foldedBias = new float[channels];
    for (int c = 0; c < channels; c++) {
      // In double, so that folding adds no rounding beyond the final float32.
      double scale = gamma[c] / Math.sqrt((double) variance[c] + settings.epsilon());
      for (int i = c * perChannel; i < (c + 1) * perChannel; i++) {
        weight[i] = (float) (weight[i] * scale);
      }
      foldedBias[c] = (float) ((bias[c] - (double) mean[c]) * scale + beta[c]);
    }
    own.put("weight", weight);
    own.put("bias", foldedBias);
  }
}
