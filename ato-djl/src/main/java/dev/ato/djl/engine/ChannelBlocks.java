package dev.ato.djl.engine;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * How many channels the engine computes at once, so that pruned layers can keep whole blocks of
 * them. oneDNN (libtorch's CPU convolutions) and ONNX Runtime's CPU kernels lay channels out in
 * blocks of 8 (SSE4.1, AVX2) or 16 (AVX-512) and pay for a partly filled block in full; GPU kernels
 * favour multiples of 8. Measured here (docs/benchmarks.md, "Channel multiples"): on an AVX-512
 * machine a MobileNetV2 cut to -45% ran 1.45-1.59x faster than the dense one in ONNX Runtime with
 * multiples of 16, 1.35-1.48x with 8, and 0.38-0.40x, slower than the dense one, unrounded.
 */
public final class ChannelBlocks {

  private ChannelBlocks() {}

  /**
   * The channel block of the engine's kernels on {@code device}.
   *
   * @param channels how many channels a block holds
   * @param why where that figure comes from, for the run's log and result
   */
  public record Block(int channels, String why) {}

  /** The channel block of the kernels that run on {@code device} on this machine. */
  public static Block of(Device device) {
    if (device.isGpu()) {
      return new Block(8, "GPU kernels compute channels in multiples of 8");
    }
    String cap = System.getenv(EngineCheck.ISA_VARIABLE);
    if (cap != null && !cap.isBlank() && !cap.equalsIgnoreCase("ALL")) {
      boolean wide =
          cap.toUpperCase(Locale.ROOT).startsWith("AVX512")
              || cap.toUpperCase(Locale.ROOT).startsWith("AVX10");
      return new Block(
          wide ? 16 : 8,
          "oneDNN's kernels are capped at "
              + cap
              + " ("
              + EngineCheck.ISA_VARIABLE
              + "), which computes "
              + (wide ? 16 : 8)
              + " channels at a time");
    }
    Optional<Boolean> avx512 = cpuHasAvx512();
    if (avx512.isEmpty()) {
      return new Block(
          8,
          "the CPU's instruction sets are unknown here; 8 channels at a time "
              + "suits SSE4.1 and AVX2 kernels and halves AVX-512's blocks");
    }
    return avx512.get()
        ? new Block(16, "the CPU has AVX-512, whose kernels compute 16 channels at a time")
        : new Block(8, "the CPU has no AVX-512; its kernels compute 8 channels at a time");
  }

  /** Whether the CPU has AVX-512, read from Linux's /proc/cpuinfo; empty elsewhere. */
  private static Optional<Boolean> cpuHasAvx512() {
    Path cpuinfo = Path.of("/proc/cpuinfo");
    if (!Files.isReadable(cpuinfo)) {
      return Optional.empty();
    }
    try {
      return Files.readAllLines(cpuinfo).stream()
          .filter(line -> line.startsWith("flags"))
          .findFirst()
          .map(line -> (" " + line.substring(line.indexOf(':') + 1) + " ").contains(" avx512f "));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
