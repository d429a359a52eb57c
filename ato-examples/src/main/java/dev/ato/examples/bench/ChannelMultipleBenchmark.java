package dev.ato.examples.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.ato.controller.FlopsBudget;
import dev.ato.cost.CostModel;
import dev.ato.djl.export.OnnxExport;
import dev.ato.djl.graph.ModelGraph;
import dev.ato.djl.graph.ModelReader;
import dev.ato.djl.subnet.CompressedModel;
import dev.ato.examples.latency.DjlForward;
import dev.ato.examples.latency.Forward;
import dev.ato.examples.latency.Forwards;
import dev.ato.examples.latency.Latencies;
import dev.ato.examples.latency.OnnxForward;
import dev.ato.examples.latency.Stats;
import dev.ato.groups.GroupMask;
import dev.ato.groups.GroupOptions;
import dev.ato.groups.GroupSet;
import dev.ato.groups.ZeroInvariantGroups;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * Which channel multiple pays on this machine: a network cut to a FLOPs budget by masks of random
 * scores, each rounded to every multiple asked for, timed against the dense network in DJL (both
 * forms) and in ONNX Runtime. Only the channel counts matter for time, so no training is needed;
 * several masks stand for the many a run may end with. The builder's automatic multiple is chosen
 * from these figures (docs/benchmarks.md).
 */
@Command(
    name = "channels",
    mixinStandardHelpOptions = true,
    description = "Inference time of networks whose kept channels are rounded to each multiple.")
final class ChannelMultipleBenchmark implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ChannelMultipleBenchmark.class);

  /** What is timed, in the order of the figures' names. */
  static final List<String> RUNTIMES =
      List.of("djl_dense", "djl_trainable", "djl_inference", "onnx_dense", "onnx_inference");

  @ParentCommand Benchmarks parent;

  @Option(
      names = "--network",
      defaultValue = "RESNET20",
      description =
          "${COMPLETION-CANDIDATES}: CIFAR ResNet-20 on 1x28x28, or CIFAR MobileNetV2 "
              + "(width 1) on 3x32x32 with its residual streams pruned.")
  ServedNetwork network;

  @Option(
      names = "--prune-residual-streams",
      negatable = true,
      description =
          "Offer the residual streams' channels for pruning too (default: for "
              + "MobileNetV2 only; the builder keeps them whole).")
  Boolean pruneResidualStreams;

  @Option(names = "--reduction", defaultValue = "0.5", description = "FLOPs reduction.")
  double reduction;

  @Option(
      names = "--multiples",
      defaultValue = "1,4,8,16",
      split = ",",
      description = "Channel multiples (1: no rounding).")
  List<Integer> multiples;

  @Option(names = "--masks", defaultValue = "3", description = "Random masks per multiple.")
  int masks;

  @Option(names = "--batches", defaultValue = "1,64", split = ",", description = "Batch sizes.")
  List<Integer> batches;

  @Option(
      names = "--passes",
      defaultValue = "40",
      description = "Timed passes per network and batch, after 5 untimed.")
  int passes;

  @Override
  public Integer call() {
    parent.configureEngine();
    Shape input =
        network == ServedNetwork.RESNET20 ? new Shape(1, 1, 28, 28) : new Shape(1, 3, 32, 32);
    Map<String, List<Double>> seconds = new LinkedHashMap<>();
    Map<String, List<Double>> ratios = new LinkedHashMap<>();
    Map<String, Double> figures = new LinkedHashMap<>();
    for (int seed = 1; seed <= masks; seed++) {
      try (NDManager manager = NDManager.newBaseManager()) {
        Block block = network.block();
        block.initialize(manager, DataType.FLOAT32, input);
        ModelGraph model = ModelReader.read(block, input, network.name().toLowerCase(Locale.ROOT));
        GroupSet groups =
            ZeroInvariantGroups.find(
                model.graph(),
                GroupOptions.builder().optPruneResidualStreams(residualStreams()).build());
        CostModel cost = CostModel.of(model.graph(), groups);
        FlopsBudget budget =
            FlopsBudget.of(
                cost, groups, cost.targetForReduction(reduction), FlopsBudget.DEFAULT_TOLERANCE);
        SplittableRandom random = new SplittableRandom(seed);
        double[] scores = random.doubles(groups.size()).toArray();
        GroupMask chosen = budget.correct(GroupMask.allKept(groups.size()), scores).mask();
        for (int multiple : multiples) {
          GroupMask mask = budget.roundBlocks(chosen, scores, multiple);
          String prefix = "m" + multiple + "_";
          LOG.info(
              "channels, mask {} of {}, multiple {}: FLOPs -{}% ({})",
              seed,
              masks,
              multiple,
              String.format(Locale.ROOT, "%.1f", 100 * budget.reduction(mask)),
              budget.isMet(mask) ? "within the tolerance" : "outside the tolerance");
          ratios
              .computeIfAbsent(prefix + "flops_ratio", k -> new ArrayList<>())
              .add(1 / (1 - budget.reduction(mask)));
          ratios
              .computeIfAbsent(prefix + "budget_met", k -> new ArrayList<>())
              .add(budget.isMet(mask) ? 1.0 : 0.0);
          time(model, groups, mask, input, prefix, seconds);
        }
      }
    }
    ratios.forEach((name, values) -> figures.put(name, Stats.of(values).median()));
    Stats.summarise(seconds, figures);
    figures.put("masks", (double) masks);
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put(
        "network",
        network.description
            + (network == ServedNetwork.RESNET20 ? ", input 1x28x28" : ", input 3x32x32")
            + (residualStreams() ? ", residual streams pruned" : ", residual streams kept whole"));
    settings.put(
        "masks",
        masks
            + " masks of random scores at -"
            + Math.round(100 * reduction)
            + "% FLOPs (FlopsBudget.correct), each rounded to every multiple (FlopsBudget"
            + ".roundBlocks); medians over the masks of each mask's median pass");
    settings.put(
        "timing",
        passes
            + " passes per network and batch after 5 untimed, the "
            + "networks of one runtime taking turns; DJL in inference mode without autograd, ONNX "
            + "Runtime with all graph optimisations and one shared pool of "
            + parent.threads()
            + " intra-op threads");
    settings.put("multiples", multiples.toString());
    settings.put("batches", batches.toString());
    String row =
        "channels-"
            + network.name().toLowerCase(Locale.ROOT)
            + (residualStreams() == (network == ServedNetwork.MOBILENETV2)
                ? ""
                : residualStreams() ? "-residual-pruned" : "-residual-whole");
    parent.store(row, "channels", settings, figures);
    return 0;
  }

  /** Whether the residual streams' channels are offered for pruning. */
  private boolean residualStreams() {
    return pruneResidualStreams != null
        ? pruneResidualStreams
        : network == ServedNetwork.MOBILENETV2;
  }

  /** Times the dense network and the one {@code mask} cuts, in every runtime and batch. */
  private void time(
      ModelGraph model,
      GroupSet groups,
      GroupMask mask,
      Shape input,
      String prefix,
      Map<String, List<Double>> seconds) {
    try (CompressedModel trainable = CompressedModel.compress(model, groups, mask);
        CompressedModel inference = trainable.forInference()) {
      // Each runtime's networks take turns among themselves: a runtime's idle threads spin
      // for a while after each pass and would slow the other runtime's passes.
      try (Forwards networks = new Forwards()) {
        List<Forward> djl =
            networks.openAll(
                List.of(
                    () -> new DjlForward("djl_dense", model.block()),
                    () -> new DjlForward("djl_trainable", trainable.block()),
                    () -> new DjlForward("djl_inference", inference.block())));
        List<Forward> onnx =
            networks.openAll(
                List.of(
                    () ->
                        new OnnxForward(
                            "onnx_dense", OnnxExport.of(model).toByteArray(), parent.threads()),
                    () ->
                        new OnnxForward(
                            "onnx_inference",
                            OnnxExport.of(inference).toByteArray(),
                            parent.threads())));
        for (int batch : batches) {
          for (List<Forward> runtime : List.of(djl, onnx)) {
            for (Latencies.Latency latency :
                Latencies.measure(
                    runtime, input.slice(1).getShape(), batch, 5, passes, passes, 0)) {
              seconds
                  .computeIfAbsent(
                      prefix + latency.name() + "_seconds_batch_" + batch, k -> new ArrayList<>())
                  .add(latency.median());
            }
          }
        }
      }
    }
  }
}
