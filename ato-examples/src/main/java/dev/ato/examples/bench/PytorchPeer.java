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
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The same network trained by PyTorch eager in a Python process of its own ({@code
 * peer_resnet.py}), with Debian's {@code python3-torch}, which it installs when missing and the
 * machine allows. Runs one at a time, never beside a libtorch JVM's training.
 */
final class PytorchPeer {
  private static final Logger LOG = LoggerFactory.getLogger(PytorchPeer.class);
  private static final String SCRIPT = "peer_resnet.py";

  private final String python;
  private final Path script;

  private PytorchPeer(String python, Path script) {
    this.python = python;
    this.script = script;
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
    try (InputStream in = PytorchPeer.class.getResourceAsStream(SCRIPT)) {
      checkState(in != null, "the peer script %s is missing from the classpath", SCRIPT);
      Path script = Files.createTempFile("ato-peer", ".py");
      script.toFile().deleteOnExit();
      Files.write(script, in.readAllBytes());
      return new PytorchPeer(python, script);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the peer script", e);
    }
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
  double meanStepSeconds(Path data, int depth, int images, int batch, int epochs, int threads,
      int warmup, String isa) {
    List<String> command = List.of(python, script.toString(), "--data", data.toString(),
        "--depth", String.valueOf(depth), "--images", String.valueOf(images),
        "--batch", String.valueOf(batch), "--epochs", String.valueOf(epochs),
        "--threads", String.valueOf(threads), "--warmup", String.valueOf(warmup));
    String output = run(command, isa);
    String last = output.strip().lines().reduce((a, b) -> b).orElse("");
    JsonObject json = JsonParser.parseString(last).getAsJsonObject();
    return json.get("mean_step_seconds").getAsDouble();
  }

  private static boolean hasTorch(String python) {
    return exec(new ProcessBuilder(python, "-c", "import torch"), "look for torch with "
        + python + " (install Debian's python3 or pass --python PATH)").code() == 0;
  }

  private static void install(String python) {
    boolean root = "root".equals(System.getProperty("user.name"));
    checkState(root && Files.isExecutable(Path.of("/usr/bin/apt-get")),
        "%s has no torch module and it cannot be installed from here: run `sudo apt-get "
            + "install python3-torch` (Debian), or pass --no-peer to leave the PyTorch rows out",
        python);
    LOG.info("installing Debian's python3-torch for the PyTorch peer (a few minutes)");
    List<String> command = List.of("apt-get", "install", "-y", "-q", "python3-torch");
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
    Finished apt = exec(builder, "install torch");
    checkState(apt.code() == 0 && hasTorch(python),
        "`%s` exited with %s and %s still has no torch module:\n%s", String.join(" ", command),
        apt.code(), python, apt.output());
  }

  private static String run(List<String> command, String isa) {
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    env.remove(EngineCheck.ISA_VARIABLE);
    if (isa != null) {
      env.put(EngineCheck.ISA_VARIABLE, isa);
    }
    Finished peer = exec(builder, "run the PyTorch peer");
    checkState(peer.code() == 0, "the PyTorch peer failed (exit %s): %s\n%s", peer.code(),
        String.join(" ", command), peer.output());
    return peer.output();
  }

  /** A finished process: its exit code and its output, standard error included. */
  private record Finished(int code, String output) {}

  /** Runs {@code builder} to its end; {@code what} names the work in the error it may give. */
  private static Finished exec(ProcessBuilder builder, String what) {
    try {
      Process process = builder.redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(),
          StandardCharsets.UTF_8);
      return new Finished(process.waitFor(), output);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot " + what + ": " + builder.command(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while trying to " + what, e);
    }
  }
}
