package dev.ato.examples.latency;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;

/** An ONNX file run by ONNX Runtime, in a session of {@link OnnxSessions}. */
public final class OnnxForward implements Forward {

  private final String name;
  private final OrtEnvironment environment;
  private final OrtSession session;
  private final String input;

  /**
   * Opens a session on {@code model}, the bytes of an {@code .onnx} file ({@link
   * OnnxSessions#open}).
   *
   * @throws IllegalArgumentException when ONNX Runtime refuses the model, with its reason
   */
  public OnnxForward(String name, byte[] model, int threads) {
    this.name = name;
    this.environment = OnnxSessions.environment(threads);
    this.session = OnnxSessions.open(model, threads, "'" + name + "'");
    this.input = session.getInputNames().iterator().next();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void run(float[] values, long[] shape) {
    try (OnnxTensor tensor = OnnxTensor.createTensor(environment, FloatBuffer.wrap(values), shape);
        OrtSession.Result result = session.run(Map.of(input, tensor))) {
      ((OnnxTensor) result.get(0)).getFloatBuffer();
    } catch (OrtException e) {
      throw new IllegalStateException(
          "ONNX Runtime failed to run '" + name + "': " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException("cannot close the session of '" + name + "'", e);
    }
  }
}
