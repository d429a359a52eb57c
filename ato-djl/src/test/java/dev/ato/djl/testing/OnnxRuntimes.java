package dev.ato.djl.testing;

import ai.djl.engine.Engine;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * Runs ONNX files through ONNX Runtime's Java API, one thread, as the parity tests need. The
 * environment is the one DJL's OnnxRuntime engine creates: that engine refuses to start in a JVM
 * whose environment something else created first (docs/djl-notes.md).
 */
public final class OnnxRuntimes {

  private OnnxRuntimes() {}

  private static OrtEnvironment environment() {
    Engine.getEngine("OnnxRuntime");
    return OrtEnvironment.getEnvironment();
  }

  /** A session on the model {@code onnx}, with one intra-op thread (libtorch holds the rest). */
  public static OrtSession session(byte[] onnx) throws OrtException {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      return environment().createSession(onnx, options);
    }
  }

  /** The first output of {@code session} for {@code input} of {@code shape}, flattened. */
  public static float[] run(OrtSession session, float[] input, long[] shape) throws OrtException {
    OrtEnvironment environment = environment();
    String name = session.getInputNames().iterator().next();
    try (OnnxTensor tensor = OnnxTensor.createTensor(environment, FloatBuffer.wrap(input), shape);
        OrtSession.Result result = session.run(Map.of(name, tensor))) {
      FloatBuffer output = ((OnnxTensor) result.get(0)).getFloatBuffer();
      float[] values = new float[output.remaining()];
      output.get(values);
      return values;
    }
  }

  /** Runs {@code onnx} once on {@code input} of {@code shape}: its first output, flattened. */
  public static float[] run(byte[] onnx, float[] input, long[] shape) throws OrtException {
    try (OrtSession session = session(onnx)) {
      return run(session, input, shape);
    }
  }
}
