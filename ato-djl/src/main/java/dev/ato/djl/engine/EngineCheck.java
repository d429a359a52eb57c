package dev.ato.djl.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Checks once per JVM that the engine computes convolutions correctly, forward and backward, on the
 * channel counts that pruning leaves, against a plain-Java reference.
 *
 * <p>Why: on an AMD EPYC (family 26) machine, libtorch 2.7.1's oneDNN kernels for AVX, AVX2 and
 * AVX-512 computed wrong values, even NaN, whenever a convolution's channels did not fill oneDNN's
 * channel blocks of 8 or 16 (a 3x3 convolution with 17 input channels was off by 10 on values of
 * about 70; training a ResNet of width 8 turned its stem's gradients to NaN within 7 steps). Its
 * SSE4.1 kernels were right. A pruned network has exactly such channel counts, so on such a machine
 * ato would train and compress garbage without a word; {@link #requireCorrect()} stops it with the
 * fix instead. docs/djl-notes.md has the measurements.
 *
 * <p>{@link #main} is the same check for build scripts: it prints the verdict and writes the {@code
 * ONEDNN_MAX_CPU_ISA} value to start the engine with.
 */
public final class EngineCheck {

  /** The environment variable that caps the instruction set oneDNN's kernels use. */
  public static final String ISA_VARIABLE = "ONEDNN_MAX_CPU_ISA";

  /** The cap under which the defective kernels are not used. */
  public static final String SAFE_ISA = "SSE41";

  private static final float TOLERANCE = 1e-3f;
  private static final int REPEATS = 2;

  /** in, out, kernel, stride, batch, size, backward (1) or forward only (0). */
  private static final int[][] CASES = {
    {17, 16, 3, 1, 2, 8, 0},
    {37, 23, 3, 1, 2, 8, 0},
    {12, 16, 3, 1, 2, 8, 0},
    {24, 16, 3, 2, 2, 8, 0},
    {8, 8, 3, 1, 4, 8, 1},
    {1, 8, 3, 1, 4, 8, 1},
  };

  private static Optional<String> defect;

  private EngineCheck() {}

  /**
   * Fails when the engine computes convolutions wrongly on this machine; the check runs once per
   * JVM (a few milliseconds).
   *
   * @throws IllegalStateException naming the wrong computation and the fix
   */
  public static void requireCorrect() {
    convolutionDefect()
        .ifPresent(
            found -> {
              throw new IllegalStateException(found);
            });
  }

  /**
   * What the engine computes wrongly, with the fix, or empty when every checked convolution matches
   * the reference. Computed once per JVM.
   */
  public static synchronized Optional<String> convolutionDefect() {
    if (defect == null) {
      defect = check();
    }
    return defect;
  }

  private static Optional<String> check() {
    SplittableRandom random = new SplittableRandom(20261202L);
    try (NDManager manager = NDManager.newBaseManager()) {
      for (int repeat = 0; repeat < REPEATS; repeat++) {
        for (int[] c : CASES) {
          Optional<String> wrong =
              checkCase(manager, random, c[0], c[1], c[2], c[3], c[4], c[5], c[6] == 1);
          if (wrong.isPresent()) {
            return Optional.of(
                String.format(
                    Locale.ROOT,
                    "the %s engine computes "
                        + "convolutions wrongly on this CPU: %s. oneDNN's AVX kernels in libtorch do "
                        + "this on some CPUs whenever channels do not fill its blocks of 8 or 16, "
                        + "which pruned networks always have; its SSE4.1 kernels compute correctly. "
                        + "Start the JVM with the environment variable %s=%s (training then runs "
                        + "about 2.7x slower); see ato's docs/djl-notes.md",
                    Engine.getInstance().getEngineName(),
                    wrong.get(),
                    ISA_VARIABLE,
                    SAFE_ISA));
          }
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<String> checkCase(
      NDManager parent,
      SplittableRandom random,
      int in,
      int out,
      int kernel,
      int stride,
      int batch,
      int size,
      boolean backward) {
    int pad = kernel / 2;
    float[] x = gaussian(random, batch * in * size * size);
    float[] w = gaussian(random, out * in * kernel * kernel);
    Reference reference = new Reference(in, out, kernel, stride, pad, batch, size);
    float[] g = gaussian(random, reference.outputSize());
    reference.compute(x, w, g);
    String what =
        String.format(
            Locale.ROOT,
            "a %dx%d convolution of %d input and %d output "
                + "channels (stride %d, batch %d, %dx%d)",
            kernel,
            kernel,
            in,
            out,
            stride,
            batch,
            size,
            size);
    try (NDManager manager = parent.newSubManager()) {
      NDArray input = manager.create(x, new Shape(batch, in, size, size));
      NDArray weight = manager.create(w, new Shape(out, in, kernel, kernel));
      if (!backward) {
        try (NoGrad ignored = NoGrad.enter()) {
          return compare(
              what + ", forward", convolve(input, weight, stride, pad), reference.output);
        }
      }
      input.setRequiresGradient(true);
      weight.setRequiresGradient(true);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray y = convolve(input, weight, stride, pad);
        collector.backward(y.mul(manager.create(g, y.getShape())).sum());
      }
      return compare(
              what + ", gradient of the weights", weight.getGradient(), reference.weightGradient)
          .or(
              () ->
                  compare(
                      what + ", gradient of the input",
                      input.getGradient(),
                      reference.inputGradient));
    }
  }

  private static NDArray convolve(NDArray input, NDArray weight, int stride, int pad) {
    return Conv2d.conv2d(
            input, weight, null, new Shape(stride, stride), new Shape(pad, pad), new Shape(1, 1), 1)
        .singletonOrThrow();
  }

  private static Optional<String> compare(String what, NDArray actual, float[] expected) {
    float[] values = actual.toFloatArray();
    float largest = 0;
    float error = 0;
    for (int i = 0; i < expected.length; i++) {
      largest = Math.max(largest, Math.abs(expected[i]));
      float difference = Math.abs(values[i] - expected[i]);
      // NaN compares false: count it as the largest possible error.
      error = Math.max(error, difference <= Float.MAX_VALUE ? difference : Float.POSITIVE_INFINITY);
    }
    if (error <= TOLERANCE * Math.max(1, largest)) {
      return Optional.empty();
    }
    return Optional.of(
        String.format(
            Locale.ROOT,
            "%s is off by %s (values up to %.1f)",
            what,
            Float.isInfinite(error) ? "NaN" : String.format(Locale.ROOT, "%.3g", error),
            largest));
  }

  private static float[] gaussian(SplittableRandom random, int count) {
    float[] values = new float[count];
    for (int i = 0; i < count; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return values;
  }

  /**
   * The convolution {@code y = conv(x, w)} in double precision, with the gradients of {@code sum(y
   * * g)} with respect to {@code w} and {@code x}. Layouts are NCHW and OIHW.
   */
  static final class Reference {
    private final int in;
    private final int out;
    private final int kernel;
    private final int stride;
    private final int pad;
    private final int batch;
    private final int size;
    private final int outSize;
    float[] output;
    float[] weightGradient;
    float[] inputGradient;

    Reference(int in, int out, int kernel, int stride, int pad, int batch, int size) {
      this.in = in;
      this.out = out;
      this.kernel = kernel;
      this.stride = stride;
      this.pad = pad;
      this.batch = batch;
      this.size = size;
      this.outSize = (size + 2 * pad - kernel) / stride + 1;
    }

    int outputSize() {
      return batch * out * outSize * outSize;
    }

    void compute(float[] x, float[] w, float[] g) {
      double[] y = new double[outputSize()];
      double[] dw = new double[w.length];
      double[] dx = new double[x.length];
      for (int b = 0; b < batch; b++) {
        for (int o = 0; o < out; o++) {
          for (int i = 0; i < outSize; i++) {
            for (int j = 0; j < outSize; j++) {
              int at = ((b * out + o) * outSize + i) * outSize + j;
              for (int c = 0; c < in; c++) {
                for (int u = 0; u < kernel; u++) {
                  int row = i * stride + u - pad;
                  for (int v = 0; v < kernel; v++) {
                    int column = j * stride + v - pad;
                    if (row < 0 || column < 0 || row >= size || column >= size) {
                      continue;
                    }
                    int xi = ((b * in + c) * size + row) * size + column;
                    int wi = ((o * in + c) * kernel + u) * kernel + v;
                    y[at] += (double) x[xi] * w[wi];
                    dw[wi] += (double) g[at] * x[xi];
                    dx[xi] += (double) g[at] * w[wi];
                  }
                }
              }
            }
          }
        }
      }
      output = toFloats(y);
      weightGradient = toFloats(dw);
      inputGradient = toFloats(dx);
    }

    private static float[] toFloats(double[] values) {
      float[] floats = new float[values.length];
      for (int i = 0; i < values.length; i++) {
        floats[i] = (float) values[i];
      }
      return floats;
    }
  }

  /**
   * Runs the check and prints its verdict. With a file argument, also writes {@code
   * ato.onednn.isa=VALUE} there: the {@value #ISA_VARIABLE} to start engines with on this machine
   * ({@value #SAFE_ISA} when the check fails, else the current value or {@code ALL}), so that a
   * build can pass it to the JVMs it forks.
   */
  public static void main(String[] args) {
    Optional<String> found = convolutionDefect();
    String current = System.getenv(ISA_VARIABLE);
    String isa =
        found.isPresent() ? SAFE_ISA : current == null || current.isBlank() ? "ALL" : current;
    System.out.println(
        found
            .map(f -> "ato engine check: " + f + "; using " + ISA_VARIABLE + "=" + SAFE_ISA)
            .orElse(
                "ato engine check: convolutions are correct (" + ISA_VARIABLE + "=" + isa + ")"));
    if (args.length > 0) {
      Path file = Paths.get(args[0]);
      try {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, "ato.onednn.isa=" + isa + "\n", StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + file, e);
      }
    }
  }
}
