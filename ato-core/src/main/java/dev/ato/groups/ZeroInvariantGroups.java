package dev.ato.groups;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import com.google.common.primitives.ImmutableIntArray;
import dev.ato.graph.ChannelGraph;
import dev.ato.graph.Layer;
import dev.ato.graph.Node;
import dev.ato.graph.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.BiPredicate;
import java.util.function.BinaryOperator;
import java.util.stream.Collectors;

/**
 * Finds the zero-invariant groups of a {@link ChannelGraph} automatically (docs/design.md,
 * "Zero-invariant groups").
 *
 * <p>Every channel a layer creates (a convolution's filter, a linear layer's unit, an input
 * channel) is a <em>source</em>. Sources flow through the graph: batch norms, activations, pooling,
 * identity and depthwise convolutions keep channel {@code k} at {@code k}; concat shifts each
 * branch by its offset; flatten spreads channel {@code c} over features {@code c*H*W .. (c+1)*H*W -
 * 1}; an add couples the sources it sums, channel by channel. The sources coupled this way form one
 * group with every per-channel parameter they meet; the layers that read them contribute consumer
 * slices, cut later with the group.
 *
 * <p>Coupled sources are not offered when zeroing them would not zero the network's function: input
 * channels, channels reaching an output, channels through a grouped convolution or a function that
 * does not keep 0 at 0, and, unless {@link GroupOptions#pruneResidualStreams()}, channels joined by
 * a residual add.
 *
 * <p>Reference: Chen et al., "Only Train Once" (NeurIPS 2021) and "OTOv2" (ICLR 2023) for ZIGs; Wu
 * et al., "Auto-Train-Once" (CVPR 2024) for the controller blocks.
 */
public final class ZeroInvariantGroups {

  /**
   * Rules that a layer inside the network applies, as opposed to the input, the outputs and the
   * residual-stream option: a message names the layer, which is what the user would change.
   */
  private static final Set<UnprunableReason> LAYER_RULES =
      EnumSet.of(
          UnprunableReason.GROUPED_CONVOLUTION, UnprunableReason.OPAQUE_LAYER,
          UnprunableReason.FROZEN_NORMALISATION, UnprunableReason.NOT_ZERO_PRESERVING);

  /** How many layers a message names for one rule before it only counts the rest. */
  private static final int MAX_NAMED_LAYERS = 3;

  private ZeroInvariantGroups() {}

  /** Finds the groups of {@code graph} with the {@linkplain GroupOptions#defaults defaults}. */
  public static GroupSet find(ChannelGraph graph) {
    return find(graph, GroupOptions.defaults());
  }

  /**
   * Finds the groups of {@code graph}.
   *
   * @throws IllegalArgumentException when the graph has no prunable group; the message counts the
   *     channels excluded by each rule and names the layers inside the network (a function that
   *     does not keep 0 at 0, an opaque block...) that excluded them
   */
  public static GroupSet find(ChannelGraph graph, GroupOptions options) {
    return new Search(graph, options).run();
  }

  /** The mutable state of one search; discarded once the immutable GroupSet is made. */
  private static final class Search {
    private final ChannelGraph graph;
    private final GroupOptions options;
    private final Map<String, Integer> order = new HashMap<>();
    private final Map<String, int[]> origin = new LinkedHashMap<>();
    private final List<Source> sources = new ArrayList<>();
    private int[] parent = new int[64];

    Search(ChannelGraph graph, GroupOptions options) {
      this.graph = graph;
      this.options = options;
    }

    GroupSet run() {
      for (Node node : graph.nodes()) {
        order.put(node.name(), order.size());
        origin.put(node.name(), flow(node));
      }
      for (String output : graph.outputs()) {
        for (int source : origin.get(output)) {
          exclude(source, UnprunableReason.NETWORK_OUTPUT, output);
        }
      }
      return assemble();
    }

    /** Computes the sources of a node's output channels and records its slices. */
    private int[] flow(Node node) {
      return node.layer().accept(new Flow(node));
    }

    /**
     * The rule of each kind of layer for one node: which sources its output channels carry, which
     * slices it records and which sources it excludes.
     */
    private final class Flow implements Layer.Visitor<int[]> {
      private final Node node;
      private final int[] in;

      Flow(Node node) {
        this.node = node;
        this.in = node.inputs().isEmpty() ? new int[0] : origin.get(node.inputs().get(0));
      }

      @Override
      public int[] visitInput(Layer.Input layer) {
        int[] created = create(node);
        excludeAll(created, UnprunableReason.NETWORK_INPUT);
        return created;
      }

      @Override
      public int[] visitConv2d(Layer.Conv2d conv) {
        if (conv.isDepthwise(node.input().channels())) {
          recordPerChannel(node, in);
          return in;
        }
        int[] created = create(node);
        if (conv.groups() == 1) {
          recordConsumer(node, in);
        } else {
          excludeAll(in, UnprunableReason.GROUPED_CONVOLUTION);
          excludeAll(created, UnprunableReason.GROUPED_CONVOLUTION);
        }
        return created;
      }

      @Override
      public int[] visitBatchNorm(Layer.BatchNorm norm) {
        recordPerChannel(node, in);
        if (!norm.scale() || !norm.center()) {
          excludeAll(in, UnprunableReason.FROZEN_NORMALISATION);
        }
        return in;
      }

      @Override
      public int[] visitLinear(Layer.Linear linear) {
        int[] created = create(node);
        recordConsumer(node, in);
        return created;
      }

      @Override
      public int[] visitActivation(Layer.Activation activation) {
        if (!activation.zeroPreserving()) {
          excludeAll(in, UnprunableReason.NOT_ZERO_PRESERVING);
        }
        return in;
      }

      @Override
      public int[] visitPool2d(Layer.Pool2d pool) {
        return in;
      }

      @Override
      public int[] visitGlobalPool(Layer.GlobalPool pool) {
        return in;
      }

      @Override
      public int[] visitFlatten(Layer.Flatten flatten) {
        int positions = node.input().spatialSize();
        int[] features = new int[in.length * positions];
        for (int j = 0; j < features.length; j++) {
          features[j] = in[j / positions];
        }
        return features;
      }

      @Override
      public int[] visitAdd(Layer.Add add) {
        for (String other : node.inputs().subList(1, node.inputs().size())) {
          int[] branch = origin.get(other);
          for (int k = 0; k < in.length; k++) {
            union(in[k], branch[k]);
          }
        }
        if (!options.pruneResidualStreams()) {
          excludeAll(in, UnprunableReason.RESIDUAL_STREAM);
        }
        return in;
      }

      @Override
      public int[] visitConcat(Layer.Concat concat) {
        return node.inputs().stream().map(origin::get).flatMapToInt(Arrays::stream).toArray();
      }

      @Override
      public int[] visitIdentity(Layer.Identity identity) {
        return in;
      }

      @Override
      public int[] visitOpaque(Layer.Opaque opaque) {
        for (String input : node.inputs()) {
          excludeAll(origin.get(input), UnprunableReason.OPAQUE_LAYER);
        }
        int[] created = create(node);
        excludeAll(created, UnprunableReason.OPAQUE_LAYER);
        return created;
      }

      private void excludeAll(int[] sources, UnprunableReason reason) {
        for (int source : sources) {
          exclude(source, reason, node.name());
        }
      }
    }

    private int[] create(Node node) {
      int[] created = new int[node.output().channels()];
      for (int k = 0; k < created.length; k++) {
        int id = sources.size();
        sources.add(new Source(node.name(), k));
        if (id == parent.length) {
          parent = Arrays.copyOf(parent, id * 2);
        }
        parent[id] = id;
        created[k] = id;
        for (Parameter p : node.parameters()) {
          if (p.outputAxis() != Parameter.NO_AXIS) {
            sources
                .get(id)
                .members
                .add(new Slice(node.name(), p.name(), p.outputAxis(), k, 1, p.trainable()));
          }
        }
      }
      return created;
    }

    /** Batch norm or depthwise convolution: parameters at index k join channel k's group. */
    private void recordPerChannel(Node node, int[] in) {
      for (int k = 0; k < in.length; k++) {
        for (Parameter p : node.parameters()) {
          if (p.outputAxis() != Parameter.NO_AXIS) {
            sources
                .get(in[k])
                .members
                .add(new Slice(node.name(), p.name(), p.outputAxis(), k, 1, p.trainable()));
          }
        }
      }
    }

    /** A layer reading channel k through its weights' input axis. */
    private void recordConsumer(Node node, int[] in) {
      for (int k = 0; k < in.length; k++) {
        for (Parameter p : node.parameters()) {
          if (p.inputAxis() != Parameter.NO_AXIS) {
            sources
                .get(in[k])
                .consumers
                .add(new Slice(node.name(), p.name(), p.inputAxis(), k, 1, p.trainable()));
          }
        }
      }
    }

    private void exclude(int source, UnprunableReason reason, String layer) {
      sources.get(source).exclusions.putIfAbsent(reason, layer);
    }

    private int find(int x) {
      while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
      }
      return x;
    }

    private void union(int a, int b) {
      int ra = find(a);
      int rb = find(b);
      if (ra != rb) {
        // The older source stays the root, so a group is named after its first producer.
        parent[Math.max(ra, rb)] = Math.min(ra, rb);
      }
    }

    private GroupSet assemble() {
      Map<Integer, List<Integer>> classes = new LinkedHashMap<>();
      for (int s = 0; s < sources.size(); s++) {
        classes.computeIfAbsent(find(s), r -> new ArrayList<>()).add(s);
      }
      List<Candidate> prunable = new ArrayList<>();
      List<UnprunableChannels> excluded = new ArrayList<>();
      for (Map.Entry<Integer, List<Integer>> entry : classes.entrySet()) {
        Source root = sources.get(entry.getKey());
        EnumMap<UnprunableReason, String> exclusions = new EnumMap<>(UnprunableReason.class);
        for (int s : entry.getValue()) {
          sources.get(s).exclusions.forEach(exclusions::putIfAbsent);
        }
        if (exclusions.isEmpty()) {
          prunable.add(new Candidate(entry.getKey(), entry.getValue()));
        } else {
          Map.Entry<UnprunableReason, String> first = exclusions.entrySet().iterator().next();
          excluded.add(new UnprunableChannels(root.name(), first.getKey(), first.getValue()));
        }
      }
      if (prunable.isEmpty()) {
        throw new IllegalArgumentException(noPrunableGroupMessage(excluded));
      }
      return order(prunable, excluded);
    }

    private GroupSet order(List<Candidate> prunable, List<UnprunableChannels> excluded) {
      Map<String, List<Candidate>> byBlock = new LinkedHashMap<>();
      prunable.sort(
          Comparator.comparingInt((Candidate c) -> order.get(c.root.layer))
              .thenComparingInt(c -> c.root.channel));
      for (Candidate candidate : prunable) {
        byBlock.computeIfAbsent(blockKey(candidate), k -> new ArrayList<>()).add(candidate);
      }
      List<Candidate> ordered = new ArrayList<>();
      List<Integer> blockOfGroup = new ArrayList<>();
      ImmutableList.Builder<ControllerBlock> blocks = ImmutableList.builder();
      int[] groupOfRoot = new int[sources.size()];
      Arrays.fill(groupOfRoot, GroupSet.UNPRUNABLE);
      int blockIndex = 0;
      for (Map.Entry<String, List<Candidate>> block : byBlock.entrySet()) {
        blocks.add(
            new ControllerBlock(
                blockIndex, blockName(block), ordered.size(), block.getValue().size()));
        for (Candidate candidate : block.getValue()) {
          groupOfRoot[candidate.rootId] = ordered.size();
          ordered.add(candidate);
          blockOfGroup.add(blockIndex);
        }
        blockIndex++;
      }
      List<List<ChannelSpan>> zeros = new ArrayList<>();
      ordered.forEach(c -> zeros.add(new ArrayList<>()));
      ImmutableMap.Builder<String, ImmutableIntArray> channelGroups = ImmutableMap.builder();
      origin.forEach(
          (layer, channels) -> {
            int[] ids = Arrays.stream(channels).map(s -> groupOfRoot[find(s)]).toArray();
            for (int k = 0; k < ids.length; k++) {
              if (ids[k] != GroupSet.UNPRUNABLE) {
                zeros.get(ids[k]).add(new ChannelSpan(layer, k, 1));
              }
            }
            channelGroups.put(layer, ImmutableIntArray.copyOf(ids));
          });
      ImmutableList.Builder<Group> groups = ImmutableList.builder();
      for (int id = 0; id < ordered.size(); id++) {
        groups.add(toGroup(id, blockOfGroup.get(id), ordered.get(id), zeros.get(id)));
      }
      return new GroupSet(
          graph.name(),
          options,
          groups.build(),
          blocks.build(),
          ImmutableList.copyOf(excluded),
          channelGroups.buildOrThrow());
    }

    private String blockKey(Candidate candidate) {
      if (options.blockPartition() == BlockPartition.SCOPE) {
        String first = candidate.root.layer;
        int dot = first.lastIndexOf('.');
        return dot < 0 ? first : first.substring(0, dot);
      }
      return String.join("+", candidate.producers());
    }

    private String blockName(Map.Entry<String, List<Candidate>> block) {
      if (options.blockPartition() == BlockPartition.SCOPE) {
        return block.getKey();
      }
      Candidate first = block.getValue().get(0);
      int producers = first.producers().size();
      return producers == 1
          ? first.root.layer
          : first.root.layer + " (residual stream of " + producers + " layers)";
    }

    private Group toGroup(int id, int block, Candidate candidate, List<ChannelSpan> zeros) {
      List<Slice> members = new ArrayList<>();
      List<Slice> consumers = new ArrayList<>();
      for (int s : candidate.sources) {
        members.addAll(sources.get(s).members);
        consumers.addAll(sources.get(s).consumers);
      }
      return new Group(
          id,
          candidate.root.name(),
          block,
          coalesce(members),
          coalesce(consumers),
          coalesceSpans(zeros),
          ImmutableSet.copyOf(candidate.producers()));
    }

    private ImmutableList<Slice> coalesce(List<Slice> slices) {
      slices.sort(
          Comparator.comparingInt((Slice s) -> order.get(s.layer()))
              .thenComparing(Slice::parameter)
              .thenComparingInt(Slice::axis)
              .thenComparingInt(Slice::start));
      return mergeRuns(
          slices,
          (run, s) ->
              run.layer().equals(s.layer())
                  && run.parameter().equals(s.parameter())
                  && run.axis() == s.axis()
                  && run.end() == s.start(),
          (run, s) ->
              new Slice(
                  run.layer(),
                  run.parameter(),
                  run.axis(),
                  run.start(),
                  run.length() + s.length(),
                  run.trainable()));
    }

    private static ImmutableList<ChannelSpan> coalesceSpans(List<ChannelSpan> spans) {
      return mergeRuns(
          spans,
          (run, s) -> run.layer().equals(s.layer()) && run.start() + run.length() == s.start(),
          (run, s) -> new ChannelSpan(run.layer(), run.start(), run.length() + s.length()));
    }

    /** Merges each item into the run before it while {@code adjacent} says they touch. */
    private static <T> ImmutableList<T> mergeRuns(
        List<T> items, BiPredicate<T, T> adjacent, BinaryOperator<T> merge) {
      ImmutableList.Builder<T> merged = ImmutableList.builder();
      T run = null;
      for (T item : items) {
        if (run != null && adjacent.test(run, item)) {
          run = merge.apply(run, item);
        } else {
          if (run != null) {
            merged.add(run);
          }
          run = item;
        }
      }
      if (run != null) {
        merged.add(run);
      }
      return merged.build();
    }

    /**
     * Counts the excluded channel sets by rule. Where a layer inside the network excluded them (a
     * sigmoid, an opaque block...), it names those layers, since changing them is the fix; only
     * when nothing but the input and output rules applied does it suggest missing layers.
     */
    private String noPrunableGroupMessage(List<UnprunableChannels> excluded) {
      Map<UnprunableReason, List<UnprunableChannels>> byReason =
          excluded.stream()
              .collect(
                  Collectors.groupingBy(
                      UnprunableChannels::reason,
                      () -> new EnumMap<>(UnprunableReason.class),
                      Collectors.toList()));
      String detail =
          byReason.entrySet().stream()
              .map(
                  e ->
                      e.getValue().size()
                          + " channel sets because "
                          + e.getKey().explanation()
                          + (LAYER_RULES.contains(e.getKey())
                              ? " (" + layersNamed(e.getValue()) + ")"
                              : ""))
              .collect(Collectors.joining("; "));
      boolean onlyInputAndOutput =
          byReason.keySet().stream()
              .allMatch(
                  r -> r == UnprunableReason.NETWORK_INPUT || r == UnprunableReason.NETWORK_OUTPUT);
      return "graph '"
          + graph.name()
          + "' has no prunable group: "
          + detail
          + (onlyInputAndOutput
              ? ". Check that the graph declares the layers between input and output"
              : "");
    }

    /** The distinct layers where {@code channels} were excluded, as "sigmoid 'act'". */
    private String layersNamed(List<UnprunableChannels> channels) {
      List<String> layers =
          channels.stream()
              .map(UnprunableChannels::layer)
              .distinct()
              .sorted(Comparator.comparingInt(order::get))
              .collect(Collectors.toList());
      String named =
          layers.stream()
              .limit(MAX_NAMED_LAYERS)
              .map(l -> graph.node(l).layer().kind() + " '" + l + "'")
              .collect(Collectors.joining(", "));
      return layers.size() <= MAX_NAMED_LAYERS
          ? named
          : named + " and " + (layers.size() - MAX_NAMED_LAYERS) + " more";
    }

    /** Sources of one class, with the first source (the root) naming them. */
    private final class Candidate {
      final int rootId;
      final Source root;
      final List<Integer> sources;

      Candidate(int rootId, List<Integer> sources) {
        this.rootId = rootId;
        this.root = Search.this.sources.get(rootId);
        this.sources = sources;
      }

      SortedSet<String> producers() {
        TreeSet<String> names = new TreeSet<>(Comparator.comparingInt(order::get));
        for (int s : sources) {
          names.add(Search.this.sources.get(s).layer);
        }
        return names;
      }
    }
  }

  /** A channel some layer creates, with what has been recorded about it. */
  private static final class Source {
    final String layer;
    final int channel;
    final List<Slice> members = new ArrayList<>();
    final List<Slice> consumers = new ArrayList<>();
    final EnumMap<UnprunableReason, String> exclusions = new EnumMap<>(UnprunableReason.class);

    Source(String layer, int channel) {
      this.layer = layer;
      this.channel = channel;
    }

    String name() {
      return layer + ":out[" + channel + "]";
    }
  }
}
