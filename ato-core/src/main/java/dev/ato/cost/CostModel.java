package dev.ato.cost;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.primitives.ImmutableIntArray;
import dev.ato.graph.ChannelGraph;
import dev.ato.graph.Layer;
import dev.ato.graph.Node;
import dev.ato.graph.Parameter;
import dev.ato.groups.GroupMask;
import dev.ato.groups.GroupSet;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * FLOPs and parameter counts of a graph, whole and as functions of a keep-mask over its groups.
 *
 * <p>FLOPs follow the field's convention (docs/method.md, "Formulas"): multiply-accumulates of
 * convolutions, {@code kH * kW * C_in / groups * C_out * H_out * W_out}, and of linear layers,
 * {@code in * out}; batch norms, activations, pooling and adds are not counted. Parameters count
 * the trainable values (weights, biases, batch norm's gamma and beta), not running statistics.
 *
 * <p>A mask removes a pruned group's channels both where they are produced and where they are read,
 * so each cost is a sum of {@link CostTerm}s, bilinear in kept channel counts. Immutable.
 */
public final class CostModel {

  private final String graphName;
  private final int groupCount;
  private final ImmutableList<CostTerm> flopsTerms;
  private final ImmutableList<CostTerm> parameterTerms;
  private final long totalFlops;
  private final long prunableFlops;
  private final long totalParameters;

  private CostModel(
      String graphName,
      int groupCount,
      ImmutableList<CostTerm> flopsTerms,
      ImmutableList<CostTerm> parameterTerms) {
    this.graphName = graphName;
    this.groupCount = groupCount;
    this.flopsTerms = flopsTerms;
    this.parameterTerms = parameterTerms;
    this.totalFlops = flopsTerms.stream().mapToLong(CostTerm::full).sum();
    this.prunableFlops =
        flopsTerms.stream().filter(CostTerm::dependsOnGroups).mapToLong(CostTerm::full).sum();
    this.totalParameters = parameterTerms.stream().mapToLong(CostTerm::full).sum();
  }

  /** Prices {@code graph} with masks over {@code groups}, which were found in that graph. */
  public static CostModel of(ChannelGraph graph, GroupSet groups) {
    checkArgument(
        graph.name().equals(groups.graphName()),
        "the groups were found in graph '%s', not in '%s'",
        groups.graphName(),
        graph.name());
    return build(graph, groups.size(), groups::channelGroups);
  }

  /**
   * Prices {@code graph} as it is, with no groups: what a counter of a finished (for instance
   * compressed) network needs.
   */
  public static CostModel of(ChannelGraph graph) {
    return build(
        graph,
        0,
        layer -> {
          int[] unprunable = new int[graph.node(layer).output().channels()];
          Arrays.fill(unprunable, GroupSet.UNPRUNABLE);
          return ImmutableIntArray.copyOf(unprunable);
        });
  }

  private static CostModel build(
      ChannelGraph graph, int groupCount, Function<String, ImmutableIntArray> channelGroups) {
    ImmutableList.Builder<CostTerm> flops = ImmutableList.builder();
    ImmutableList.Builder<CostTerm> parameters = ImmutableList.builder();
    for (Node node : graph.nodes()) {
      for (Parameter p : node.parameters()) {
        if (!p.trainable()) {
          continue;
        }
        CostTerm count = countTerm(node, p, channelGroups);
        parameters.add(count);
        long positions = macsPerWeight(node, p);
        if (positions > 0) {
          flops.add(
              new CostTerm(
                  node.name(),
                  p.name(),
                  count.coefficient() * positions,
                  count.outputs(),
                  count.inputs()));
        }
      }
    }
    return new CostModel(graph.name(), groupCount, flops.build(), parameters.build());
  }

  private static CostTerm countTerm(
      Node node, Parameter p, Function<String, ImmutableIntArray> channelGroups) {
    long coefficient = 1;
    for (int axis = 0; axis < p.shape().length(); axis++) {
      if (axis != p.outputAxis() && axis != p.inputAxis()) {
        coefficient *= p.shape().get(axis);
      }
    }
    KeptCount outputs =
        p.outputAxis() == Parameter.NO_AXIS
            ? KeptCount.constant(1)
            : KeptCount.of(channelGroups.apply(node.name()));
    KeptCount inputs =
        p.inputAxis() == Parameter.NO_AXIS
            ? KeptCount.constant(1)
            : KeptCount.of(channelGroups.apply(node.inputs().get(0)));
    return new CostTerm(node.name(), p.name(), coefficient, outputs, inputs);
  }

  /**
   * Multiply-accumulates per value of {@code p}: output positions for a convolution's weight, one
   * for a linear layer's, none for any other parameter (biases, batch-norm scales and statistics,
   * an opaque layer's values, which the FLOPs leave out).
   */
  private static long macsPerWeight(Node node, Parameter p) {
    if (!p.name().equals("weight")) {
      return 0;
    }
    return node.layer().accept(new WeightMacs(node));
  }

  /** Multiply-accumulates per weight value of each kind of layer that has a weight. */
  private static final class WeightMacs implements Layer.Visitor<Long> {
    private final Node node;

    WeightMacs(Node node) {
      this.node = node;
    }

    @Override
    public Long visitConv2d(Layer.Conv2d layer) {
      return (long) node.output().spatialSize();
    }

    @Override
    public Long visitLinear(Layer.Linear layer) {
      return 1L;
    }

    @Override
    public Long visitInput(Layer.Input layer) {
      throw noWeight(layer);
    }

    @Override
    public Long visitBatchNorm(Layer.BatchNorm layer) {
      throw noWeight(layer);
    }

    @Override
    public Long visitActivation(Layer.Activation layer) {
      throw noWeight(layer);
    }

    @Override
    public Long visitPool2d(Layer.Pool2d layer) {
      throw noWeight(layer);
    }

    @Override
    public Long visitGlobalPool(Layer.GlobalPool layer) {
      throw noWeight(layer);
    }

    @Override
    public Long visitFlatten(Layer.Flatten layer) {
      throw noWeight(layer);
    }

    @Override
    public Long visitAdd(Layer.Add layer) {
      throw noWeight(layer);
    }

    @Override
    public Long visitConcat(Layer.Concat layer) {
      throw noWeight(layer);
    }

    @Override
    public Long visitIdentity(Layer.Identity layer) {
      throw noWeight(layer);
    }

    @Override
    public Long visitOpaque(Layer.Opaque layer) {
      throw noWeight(layer);
    }

    private IllegalStateException noWeight(Layer layer) {
      return new IllegalStateException(
          "layer '" + node.name() + "' (" + layer.kind() + ") has no parameter called 'weight'");
    }
  }

  /** Number of groups a keep vector must cover. */
  public int groupCount() {
    return groupCount;
  }

  /** Multiply-accumulates of the whole model, all groups kept. */
  public long flops() {
    return totalFlops;
  }

  /** Multiply-accumulates of the whole model under a keep vector (soft values allowed). */
  public double flops(double[] keep) {
    return sum(flopsTerms, keep, false);
  }

  /** Multiply-accumulates of the whole model under a hard mask. */
  public double flops(GroupMask mask) {
    return flops(checkedKeep(mask));
  }

  /** Multiply-accumulates of the layers a mask can change, all groups kept. */
  public long prunableFlops() {
    return prunableFlops;
  }

  /** Multiply-accumulates of the layers a mask can change, under a keep vector. */
  public double prunableFlops(double[] keep) {
    return sum(flopsTerms, keep, true);
  }

  /** Trainable parameters of the whole model, all groups kept. */
  public long parameters() {
    return totalParameters;
  }

  /** Trainable parameters of the whole model under a keep vector. */
  public double parameters(double[] keep) {
    return sum(parameterTerms, keep, false);
  }

  /** Trainable parameters of the whole model under a hard mask. */
  public double parameters(GroupMask mask) {
    return parameters(checkedKeep(mask));
  }

  /** The terms whose sum is the FLOPs, for engines that evaluate them on soft masks. */
  public ImmutableList<CostTerm> flopsTerms() {
    return flopsTerms;
  }

  /** The terms whose sum is the parameter count. */
  public ImmutableList<CostTerm> parameterTerms() {
    return parameterTerms;
  }

  /**
   * Multiply-accumulates per layer, all groups kept, in network order (zero-cost layers left out).
   */
  public ImmutableMap<String, Long> flopsPerLayer() {
    Map<String, Long> perLayer = new LinkedHashMap<>();
    flopsTerms.forEach(t -> perLayer.merge(t.layer(), t.full(), Long::sum));
    return ImmutableMap.copyOf(perLayer);
  }

  /**
   * Restates a whole-model FLOPs reduction as the share {@code p} of the prunable part to keep.
   *
   * @param reduction share of the whole model's FLOPs to remove, e.g. 0.55 to cut 55%
   * @throws IllegalArgumentException when {@code reduction} is outside (0, 1), or larger than what
   *     removing every prunable group could give
   */
  public FlopsTarget targetForReduction(double reduction) {
    checkArgument(
        reduction > 0 && reduction < 1,
        "a FLOPs reduction must lie in (0, 1), e.g. 0.55 to remove 55% of FLOPs; found %s",
        reduction);
    double floor = prunableFlops(new double[groupCount]);
    double maximum = (prunableFlops - floor) / totalFlops;
    checkArgument(
        reduction < maximum,
        "a FLOPs reduction of %s is more than graph '%s' can give: removing every prunable group "
            + "cuts at most %s of its %s MACs, as %s MACs are in layers that no group changes; "
            + "choose a reduction below %s",
        reduction,
        graphName,
        format(maximum),
        totalFlops,
        totalFlops - prunableFlops,
        format(maximum));
    double p = 1 - reduction * totalFlops / prunableFlops;
    return new FlopsTarget(reduction, p, totalFlops, prunableFlops);
  }

  private double[] checkedKeep(GroupMask mask) {
    checkArgument(
        mask.size() == groupCount,
        "the mask covers %s groups but the model has %s",
        mask.size(),
        groupCount);
    return mask.toKeepVector();
  }

  private double sum(List<CostTerm> terms, double[] keep, boolean prunableOnly) {
    checkArgument(
        keep.length == groupCount,
        "the keep vector has %s entries but the model has %s groups",
        keep.length,
        groupCount);
    double total = 0;
    for (CostTerm term : terms) {
      if (!prunableOnly || term.dependsOnGroups()) {
        total += term.evaluate(keep);
      }
    }
    return total;
  }

  private static String format(double share) {
    return String.format(Locale.ROOT, "%.4f", share);
  }

  @Override
  public String toString() {
    return "CostModel of '"
        + graphName
        + "': "
        + totalFlops
        + " MACs ("
        + prunableFlops
        + " prunable), "
        + totalParameters
        + " parameters";
  }
}
