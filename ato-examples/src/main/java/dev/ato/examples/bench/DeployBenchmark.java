package dev.ato.examples.bench;

import ai.djl.Device;
import dev.ato.djl.AtoResult;
import dev.ato.djl.AutoTrainOnce;
import dev.ato.djl.engine.ChannelBlocks;
import dev.ato.djl.engine.EngineCheck;
import dev.ato.djl.export.OnnxExport;
import dev.ato.djl.subnet.CompressedModel;
import dev.ato.examples.TrainingOptions;
import dev.ato.examples.data.ImageData;
import dev.ato.examples.latency.DjlForward;
import dev.ato.examples.latency.Forward;
import dev.ato.examples.latency.Forwards;
import dev.ato.examples.latency.Latencies;
import dev.ato.examples.latency.OnnxForward;
import dev.ato.examples.latency.Stats;
import dev.ato.groups.GroupMask;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * What pruning buys where a network is served: an ATO run with the builder's defaults (channel
 * rounding automatic), then the dense network against the compressed one in DJL (the trainable form
 * and the inference form, and the dense network's own inference form), in ONNX Runtime (the
 * exported files), and the dense network frozen by PyTorch ({@code
 * torch.jit.optimize_for_inference}), at batch 1 and at the training batch. The networks of one
 * runtime take turns pass by pass; the runtimes take turns round by round.
 */
@Command(
    name = "deploy",
    mixinStandardHelpOptions = true,
    description =
        "Dense against compressed at serving time: DJL, ONNX Runtime and PyTorch "
            + "frozen, on the builder's defaults.")
final class DeployBenchmark implements Callable<Integer> {

  @Mixin TrainingOptions.Length length = new TrainingOptions.Length(2, 64);
  private static final Logger LOG = LoggerFactory.getLogger(DeployBenchmark.class);
  private static final long[] IMAGE = {1, 28, 28};

  /** What each runtime times, in its turns; the dense network first. */
  static final List<String> DJL = List.of("dense", "dense_inference", "trainable", "inference");

  static final List<String> ONNX = List.of("dense", "inference");

  @ParentCommand Benchmarks parent;

  @Option(
      names = "--network",
      defaultValue = "RESNET20",
      description =
          "${COMPLETION-CANDIDATES}: CIFAR ResNet-20 or CIFAR MobileNetV2 (width 1), "
              + "on 1x28x28 Fashion-MNIST.")
  ServedNetwork network;

  @Option(
      names = "--reduction",
      description =
          "FLOPs reduction (default: 0.5 for ResNet-20, 0.45 for MobileNetV2, the " + "paper's).")
  Double reduction;

  @Option(
      names = "--images",
      defaultValue = "6400",
      description = "Fashion-MNIST training images of the ATO run.")
  int images;

  @Option(
      names = "--repeats",
      defaultValue = "3",
      description =
          "Rounds of timing; figures are medians over them with the lowest and " + "highest.")
  int repeats;

  @Option(
      names = "--passes",
      defaultValue = "40",
      description = "Timed passes per network, batch and round, after 5 untimed.")
  int passes;

  @Option(names = "--no-peer", description = "Leave PyTorch out.")
  boolean noPeer;

  @Option(
      names = "--python",
      defaultValue = "/usr/bin/python3",
      description = "Python with (or to get) Debian's python3-torch.")
  String python;

  @Override
  public Integer call() throws IOException {
    parent.configureEngine();
    double target = reduction != null ? reduction : network.reduction;
    PytorchPeer peer = noPeer ? null : PytorchPeer.on(python);
    List<Integer> batches = List.of(1, length.batch);
    Map<String, List<Double>> seconds = new LinkedHashMap<>();
    Map<String, Double> figures = new LinkedHashMap<>();
    Map<String, String> settings = new LinkedHashMap<>();
    try (ImageData data = ServedNetwork.trainingImages(images, length.batch);
        AutoTrainOnce ato = network.atoOnDefaults(data, target, length.epochs);
        AtoResult result = ato.fit();
        CompressedModel inference = result.compressed().forInference();
        CompressedModel dense =
            CompressedModel.compress(
                ato.graph(), ato.groups(), GroupMask.allKept(ato.groups().size()));
        CompressedModel denseInference = dense.forInference()) {
      LOG.info("deploy, {}: {}", network, result.summary());
      figures.put("flops_before", (double) result.flopsBefore());
      figures.put("flops_after", (double) result.flopsAfter());
      figures.put("flops_reduction", result.flopsReduction());
      figures.put("flops_ratio", (double) result.flopsBefore() / result.flopsAfter());
      figures.put("target_reduction", target);
      figures.put("target_met", result.targetMet() ? 1.0 : 0.0);
      figures.put("channel_multiple", (double) result.budget().rounding().multiple());
      figures.put("engine_channel_block", (double) ChannelBlocks.of(Device.cpu()).channels());
      figures.put("dense_inference_layers", (double) denseInference.graph().nodes().size());
      figures.put("inference_layers", (double) inference.graph().nodes().size());
      settings.put("channel rounding", result.budget().rounding().toString());
      try (Forwards networks = new Forwards()) {
        List<Forward> djl =
            networks.openAll(
                List.of(
                    () -> new DjlForward("dense", ato.model().getBlock()),
                    () -> new DjlForward("dense_inference", denseInference.block()),
                    () -> new DjlForward("trainable", result.compressed().block()),
                    () -> new DjlForward("inference", inference.block())));
        List<Forward> onnx =
            networks.openAll(
                List.of(
                    () ->
                        new OnnxForward(
                            "dense", OnnxExport.of(ato.graph()).toByteArray(), parent.threads()),
                    () ->
                        new OnnxForward(
                            "inference",
                            OnnxExport.of(inference).toByteArray(),
                            parent.threads())));
        for (int round = 1; round <= repeats; round++) {
          LOG.info("deploy, round {} of {}", round, repeats);
          for (int size : batches) {
            time("djl_", djl, size, seconds);
            time("onnx_", onnx, size, seconds);
          }
          if (peer != null) {
            peer.frozenInference(
                    network.name().toLowerCase(Locale.ROOT),
                    IMAGE,
                    batches,
                    parent.threads(),
                    passes,
                    null)
                .forEach(
                    (name, value) -> {
                      if (!name.endsWith("_min") && !name.endsWith("_max")) {
                        add(seconds, "pytorch_dense_" + name, value);
                      }
                    });
          }
          roundRatios(seconds, batches, peer != null);
        }
      }
    }
    Stats.summarise(seconds, figures);
    figures.put("batch", (double) length.batch);
    figures.put("repeats", (double) repeats);
    settings.put("network", network.description + ", input 1x28x28");
    settings.put(
        "ato",
        String.format(
            Locale.ROOT,
            "builder defaults (channel rounding "
                + "automatic), FLOPs reduction %s, %d epochs of the first %,d Fashion-MNIST training "
                + "images in batches of %d, seed 42",
            target,
            length.epochs,
            images,
            length.batch));
    settings.put(
        "timing",
        String.format(
            Locale.ROOT,
            "%d rounds; in each, %d passes per "
                + "network and batch after 5 untimed, the networks of one runtime taking turns; medians "
                + "over the rounds of each round's median, with the lowest and highest",
            repeats,
            passes));
    settings.put(
        "DJL",
        "inference mode without autograd; "
            + System.getProperty(Benchmarks.THREADS_PROPERTY)
            + " intra-op threads, ONEDNN_MAX_CPU_ISA "
            + System.getenv(EngineCheck.ISA_VARIABLE));
    settings.put(
        "ONNX Runtime",
        "the exported files, all graph optimisations, one shared pool "
            + "of "
            + parent.threads()
            + " intra-op threads");
    if (peer != null) {
      settings.put(
          "PyTorch",
          "PyTorch "
              + peer.torchVersion()
              + " (Debian python3-torch), the "
              + "same dense network scripted and frozen by torch.jit.optimize_for_inference, "
              + parent.threads()
              + " threads, oneDNN's own ISA");
    }
    String row = "deploy-" + network.name().toLowerCase(Locale.ROOT);
    parent.store(row, "deploy", settings, figures);
    return 0;
  }

  /** One round of {@code networks}' passes at batch {@code size}, their medians stored. */
  private void time(
      String runtime, List<Forward> networks, int size, Map<String, List<Double>> seconds) {
    for (Latencies.Latency latency :
        Latencies.measure(networks, IMAGE, size, 5, passes, passes, 0)) {
      add(seconds, runtime + latency.name() + "_seconds_batch_" + size, latency.median());
    }
  }

  /**
   * This round's speed-ups over the dense network, and ONNX Runtime's compressed network against
   * PyTorch's frozen dense one, as figures of their own: a target is met only when every round
   * meets it.
   */
  private static void roundRatios(
      Map<String, List<Double>> seconds, List<Integer> batches, boolean peer) {
    for (int size : batches) {
      for (String runtime : List.of("djl_", "onnx_")) {
        for (String network : runtime.equals("djl_") ? DJL : ONNX) {
          add(
              seconds,
              runtime + network + "_speedup_batch_" + size,
              latest(seconds, runtime + "dense_seconds_batch_" + size)
                  / latest(seconds, runtime + network + "_seconds_batch_" + size));
        }
      }
      if (peer) {
        add(
            seconds,
            "onnx_against_pytorch_batch_" + size,
            latest(seconds, "onnx_inference_seconds_batch_" + size)
                / latest(seconds, "pytorch_dense_seconds_batch_" + size));
      }
    }
  }

  private static double latest(Map<String, List<Double>> seconds, String name) {
    List<Double> values = seconds.get(name);
    return values.get(values.size() - 1);
  }

  private static void add(Map<String, List<Double>> seconds, String name, double value) {
    seconds.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
  }
}
