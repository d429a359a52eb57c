package dev.ato.spark;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.ato.djl.export.OnnxExport;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * An ONNX file {@code OnnxExport} wrote, checked against its checksum and run by ONNX Runtime: one
 * session per executor, which ONNX Runtime lets several threads run at once, with as many intra-op
 * threads as one task has cores.
 */
final class OnnxNetwork implements ScoringNetwork {

  private final OrtSession session;
  private final String inputName;
  private final long[] inputShape;
  private final int threads;

  private OnnxNetwork(OrtSession session, String inputName, long[] inputShape, int threads) {
    this.session = session;
    this.inputName = inputName;
    this.inputShape = inputShape;
    this.threads = threads;
  }

  /**
   * @throws IllegalArgumentException when the file is not an ONNX model ato wrote, has changed
   *     since, or does not take one image or vector per row
   */
  static OnnxNetwork load(Path file, int threads) {
    OnnxExport.verify(file);
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(threads);
      options.setInterOpNumThreads(1);
      OrtSession session = environment.createSession(file.toString(), options);
      try {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        if (inputs.size() != 1) {
          throw new IllegalArgumentException(
              file + " takes " + inputs.size() + " inputs; the scorer feeds networks of one");
        }
        NodeInfo input = inputs.values().iterator().next();
        long[] withBatch = ((TensorInfo) input.getInfo()).getShape();
        long[] shape = Arrays.copyOfRange(withBatch, 1, withBatch.length);
        if (Arrays.stream(shape).anyMatch(size -> size <= 0)) {
          throw new IllegalArgumentException(
              file
                  + " takes input of shape "
                  + Arrays.toString(withBatch)
                  + "; the scorer needs every size but the batch's fixed");
        }
        return new OnnxNetwork(session, input.getName(), shape, threads);
      } catch (RuntimeException e) {
        session.close();
        throw e;
      }
    } catch (OrtException e) {
      throw new IllegalArgumentException(
          "ONNX Runtime cannot load " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public long[] inputShape() {
    return inputShape.clone();
  }

  @Override
  public String describe() {
    return "an ONNX file, ONNX Runtime on " + threads + " intra-op threads";
  }

  @Override
  public Session newSession() {
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    return new Session() {
      @Override
      public Outputs forward(float[] inputs, long[] shape) throws OrtException {
        try (OnnxTensor batch =
                OnnxTensor.createTensor(environment, FloatBuffer.wrap(inputs), shape);
            OrtSession.Result result = session.run(Map.of(inputName, batch))) {
          DjlNetwork.requireOne(result.size());
          OnnxTensor output = (OnnxTensor) result.get(0);
          FloatBuffer values = output.getFloatBuffer();
          float[] copy = new float[values.remaining()];
          values.get(copy);
          return new Outputs(copy, output.getInfo().getShape());
        }
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime could not close its session", e);
    }
  }
}
