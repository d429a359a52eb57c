package dev.ato.examples.bench;

import static com.google.common.base.Preconditions.checkState;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.ato.djl.engine.EngineCheck;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The same network in PyTorch, in a Python process of its own, with Debian's {@code python3-torch},
 * which it installs when missing and the machine allows: trained eager ({@code peer_resnet.py}), or
 * frozen for inference ({@code peer_inference.py}). Runs one at a time, never beside a libtorch
 * JVM's work.
 */
final class PytorchPeer {
  private static final Logger LOG = LoggerFactory.getLogger(PytorchPeer.class);
  private static final String SCRIPT = "peer_resnet.py";
  private static final String INFERENCE_SCRIPT = "peer_inference.py";

  private final String python;
  private final Path script;
  private final Path inferenceScript;

  private PytorchPeer(String python, Path scripts) {
    this.python = python;
    this.script = scripts.resolve(SCRIPT);
    this.inferenceScript = scripts.resolve(INFERENCE_SCRIPT);
  }

  /**
   * A peer on {@code python}, with torch installed first if it is missing.
   *
   * @throws IllegalStateException if torch is missing and cannot be installed here
   */
  static PytorchPeer on(String python) {
    if (!hasTorch(python)) {
      install(python);
    }
    try {
      Path scripts = Files.createTempDirectory("ato-peer");
      scripts.toFile().deleteOnExit();
      for (String name : List.of(SCRIPT, INFERENCE_SCRIPT)) {
        try (InputStream in = PytorchPeer.class.getResourceAsStream(name)) {
          checkState(in != null, "the peer script %s is missing from the classpath", name);
          Files.write(scripts.resolve(name), in.readAllBytes());
          scripts.resolve(name).toFile().deleteOnExit();
        }
      }
      return new PytorchPeer(python, scripts);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the peer scripts", e);
    }
  }

  /**
   * Times the dense {@code network} ("resnet20" or "mobilenetv2") frozen for inference ({@code
   * torch.jit.optimize_for_inference}) at each batch size: the median, lowest and highest seconds
   * per pass, as {@code seconds_batch_B}, {@code seconds_batch_B_min} and {@code
   * seconds_batch_B_max}.
   *
   * @param isa the {@code ONEDNN_MAX_CPU_ISA} to run with, or null for oneDNN's own choice
   */
  Map<String, Double> frozenInference(
      String network, long[] image, List<Integer> batches, int threads, int passes, String isa) {
    List<String> command =
        List.of(
            python,
            inferenceScript.toString(),
            "--network",
            network,
            "--channels",
            String.valueOf(image[0]),
            "--size",
            String.valueOf(image[1]),
            "--batches",
            batches.stream().map(String::valueOf).collect(Collectors.joining(",")),
            "--threads",
            String.valueOf(threads),
            "--passes",
            String.valueOf(passes));
    String output = run(command, isa);
    String last = output.strip().lines().reduce((a, b) -> b).orElse("");
    JsonObject json = JsonParser.parseString(last).getAsJsonObject();
    Map<String, Double> figures = new LinkedHashMap<>();
    json.entrySet().stream()
        .filter(e -> e.getKey().startsWith("seconds_"))
        .forEach(e -> figures.put(e.getKey(), e.getValue().getAsDouble()));
    return figures;
  }

  /** The installed torch version. */
  String torchVersion() {
    return run(List.of(python, "-c", "import torch; print(torch.__version__)"), null).strip();
  }

  /**
   * Trains and returns the mean seconds per step after the warm-up.
   *
   * @param isa the {@code ONEDNN_MAX_CPU_ISA} to run with, or null for oneDNN's own choice
   */
  double meanStepSeconds(
      Path data,
      int depth,
      int images,
      int batch,
      int epochs,
      int threads,
      int warmup,
      String isa) {
    List<String> command =
        List.of(
            python,
            script.toString(),
            "--data",
            data.toString(),
            "--depth",
            String.valueOf(depth),
            "--images",
            String.valueOf(images),
            "--batch",
            String.valueOf(batch),
            "--epochs",
            String.valueOf(epochs),
            "--threads",
            String.valueOf(threads),
            "--warmup",
            String.valueOf(warmup));
    String output = run(command, isa);
    String last = output.strip().lines().reduce((a, b) -> b).orElse("");
    JsonObject json = JsonParser.parseString(last).getAsJsonObject();
    return json.get("mean_step_seconds").getAsDouble();
  }

  private static boolean hasTorch(String python) {
    return exec(
                new ProcessBuilder(python, "-c", "import torch"),
                "look for torch with "
                    + python
                    + " (install Debian's python3 or pass --python PATH)")
            .code()
        == 0;
  }

  private static void install(String python) {
    boolean root = "root".equals(System.getProperty("user.name"));
    checkState(
        root && Files.isExecutable(Path.of("/usr/bin/apt-get")),
        "%s has no torch module and it cannot be installed from here: run `sudo apt-get "
            + "install python3-torch` (Debian), or pass --no-peer to leave the PyTorch rows out",
        python);
    LOG.info("installing Debian's python3-torch for the PyTorch peer (a few minutes)");
    List<String> command = List.of("apt-get", "install", "-y", "-q", "python3-torch");
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
    Finished apt = exec(builder, "install torch");
    checkState(
        apt.code() == 0 && hasTorch(python),
        "`%s` exited with %s and %s still has no torch module:\n%s",
        String.join(" ", command),
        apt.code(),
        python,
        apt.output());
  }

  private static String run(List<String> command, String isa) {
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    env.remove(EngineCheck.ISA_VARIABLE);
    if (isa != null) {
      env.put(EngineCheck.ISA_VARIABLE, isa);
    }
    Finished peer = exec(builder, "run the PyTorch peer");
    checkState(
        peer.code() == 0,
        "the PyTorch peer failed (exit %s): %s\n%s",
        peer.code(),
        String.join(" ", command),
        peer.output());
    return peer.output();
  }

  /** A finished process: its exit code and its output, standard error included. */
  private record Finished(int code, String output) {}

  /** Runs {@code builder} to its end; {@code what} names the work in the error it may give. */
  private static Finished exec(ProcessBuilder builder, String what) {
    try {
      Process process = builder.redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return new Finished(process.waitFor(), output);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot " + what + ": " + builder.command(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while trying to " + what, e);
    }
  }
}
