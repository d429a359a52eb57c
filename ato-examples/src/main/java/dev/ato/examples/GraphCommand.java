package dev.ato.examples;

import dev.ato.architectures.Architectures;
import dev.ato.cost.CostModel;
import dev.ato.cost.FlopsTarget;
import dev.ato.graph.ChannelGraph;
import dev.ato.graph.ChannelShape;
import dev.ato.groups.BlockPartition;
import dev.ato.groups.ControllerBlock;
import dev.ato.groups.GroupOptions;
import dev.ato.groups.GroupSet;
import dev.ato.groups.UnprunableChannels;
import dev.ato.groups.UnprunableReason;
import dev.ato.groups.ZeroInvariantGroups;
import java.io.PrintWriter;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Prints what ATO would work with on a well-known architecture: its cost, its automatically found
 * zero-invariant groups and controller blocks, and the controller's target for a FLOPs reduction.
 * No engine and no training: the channel-flow graph alone.
 */
@Command(
    name = "graph",
    mixinStandardHelpOptions = true,
    description = "Shows the zero-invariant groups, controller blocks and FLOPs of a network.")
final class GraphCommand implements Callable<Integer> {

  /** Architectures the report knows by name. */
  enum Model {
    RESNET20,
    RESNET56,
    RESNET110,
    RESNET50,
    MOBILENETV2;

    ChannelGraph graph(int classes, double width) {
      ChannelShape cifar = ChannelShape.spatial(3, 32, 32);
      return switch (this) {
        case RESNET20 -> Architectures.resnetCifar(20, cifar, classes);
        case RESNET56 -> Architectures.resnetCifar(56, cifar, classes);
        case RESNET110 -> Architectures.resnetCifar(110, cifar, classes);
        case RESNET50 -> Architectures.resnet50(classes);
        case MOBILENETV2 -> Architectures.mobileNetV2(classes, width);
      };
    }

    /** The classes of the data set the architecture is made for: CIFAR-10's, or ImageNet's. */
    int defaultClasses() {
      return switch (this) {
        case RESNET20, RESNET56, RESNET110 -> 10;
        case RESNET50, MOBILENETV2 -> 1000;
      };
    }
  }

  @Spec private CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--model",
      defaultValue = "RESNET56",
      description = "One of ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
  private Model model;

  @Option(
      names = "--classes",
      defaultValue = "-1",
      description = "Classifier outputs (default 10 for CIFAR ResNets, 1000 otherwise).")
  private int classes;

  @Mixin TrainingOptions.MobileNetWidth mobileNet = new TrainingOptions.MobileNetWidth(1.0);

  @Option(
      names = "--reduction",
      defaultValue = "0.55",
      description = "Share of the whole model's FLOPs to remove (default ${DEFAULT-VALUE}).")
  private double reduction;

  @Option(
      names = "--prune-residual-streams",
      description = "Offer residual-stream channels for pruning too (off in the paper's runs).")
  private boolean pruneResidualStreams;

  @Option(
      names = "--blocks",
      defaultValue = "LAYER",
      description = "Controller blocks per LAYER or per SCOPE (default ${DEFAULT-VALUE}).")
  private BlockPartition partition;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    int outputs = classes > 0 ? classes : model.defaultClasses();
    ChannelGraph graph = model.graph(outputs, mobileNet.width);
    GroupOptions options =
        GroupOptions.builder()
            .optPruneResidualStreams(pruneResidualStreams)
            .optBlockPartition(partition)
            .build();
    GroupSet groups = ZeroInvariantGroups.find(graph, options);
    CostModel cost = CostModel.of(graph, groups);
    FlopsTarget target = cost.targetForReduction(reduction);

    out.printf(
        Locale.ROOT,
        "%s: %d layers, %s MACs, %s parameters%n",
        graph.name(),
        graph.nodes().size(),
        human(cost.flops()),
        human(cost.parameters()));
    out.printf(
        Locale.ROOT,
        "zero-invariant groups: %d in %d controller blocks (residual " + "streams %s)%n",
        groups.size(),
        groups.blocks().size(),
        pruneResidualStreams ? "pruned" : "kept whole");
    out.printf(
        Locale.ROOT,
        "not offered: %d channel sets (%s)%n",
        groups.unprunable().size(),
        reasons(groups));
    out.printf(
        Locale.ROOT,
        "target: remove %.1f%% of all MACs -> the controller keeps p = %.4f "
            + "of the prunable part (%s of %s MACs are prunable)%n",
        100 * target.reduction(),
        target.prunableRatio(),
        human(cost.prunableFlops()),
        human(cost.flops()));
    out.println();
    out.printf(Locale.ROOT, "%5s  %-48s %7s %14s%n", "block", "name", "groups", "producer MACs");
    Map<String, Long> perLayer = cost.flopsPerLayer();
    for (ControllerBlock block : groups.blocks()) {
      String producer = groups.group(block.firstGroup()).producers().iterator().next();
      out.printf(
          Locale.ROOT,
          "%5d  %-48s %7d %14s%n",
          block.index(),
          block.name(),
          block.size(),
          human(perLayer.getOrDefault(producer, 0L)));
    }
    out.flush();
    return 0;
  }

  private static String reasons(GroupSet groups) {
    Map<UnprunableReason, Long> counts =
        groups.unprunable().stream()
            .collect(
                Collectors.groupingBy(
                    UnprunableChannels::reason,
                    () -> new EnumMap<>(UnprunableReason.class),
                    Collectors.counting()));
    return counts.entrySet().stream()
        .map(e -> e.getValue() + " " + e.getKey().name().toLowerCase(Locale.ROOT).replace('_', ' '))
        .collect(Collectors.joining(", "));
  }

  private static String human(long value) {
    if (value >= 1_000_000_000L) {
      return String.format(Locale.ROOT, "%.3f G", value / 1e9);
    }
    if (value >= 1_000_000L) {
      return String.format(Locale.ROOT, "%.2f M", value / 1e6);
    }
    if (value >= 1_000L) {
      return String.format(Locale.ROOT, "%.1f k", value / 1e3);
    }
    return Long.toString(value);
  }
}
