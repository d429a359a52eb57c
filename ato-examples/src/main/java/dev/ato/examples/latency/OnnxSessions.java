package dev.ato.examples.latency;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ONNX Runtime sessions that share one thread pool, the environment's, sized once per JVM by the
 * first session. Sessions with pools of their own spin their idle threads after each run and take
 * the cores from each other when they run in turns: batch 64 of a ResNet-20 took 28 ms with three
 * such sessions in turns against 13.5 ms alone, and 13.4 ms with one shared pool
 * (docs/djl-notes.md). When something else created the environment first, each session gets its own
 * pool with spinning off, which is fair to the others but slower at batch 1.
 */
public final class OnnxSessions {
  private static final Logger LOG = LoggerFactory.getLogger(OnnxSessions.class);

  private static OrtEnvironment environment;
  private static boolean ownPools;

  private OnnxSessions() {}

  /** The environment the sessions live in. */
  public static synchronized OrtEnvironment environment(int threads) {
    if (environment == null) {
      try (OrtEnvironment.ThreadingOptions pool = new OrtEnvironment.ThreadingOptions()) {
        pool.setGlobalIntraOpNumThreads(threads);
        pool.setGlobalInterOpNumThreads(1);
        environment =
            OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING, "ato", pool);
      } catch (OrtException | IllegalStateException e) {
        LOG.warn(
            "ONNX Runtime's environment exists already ({}): each session gets its own "
                + "threads, with spinning off",
            e.getMessage());
        environment = OrtEnvironment.getEnvironment();
        ownPools = true;
      }
    }
    return environment;
  }

  /**
   * A session on {@code model}, the bytes of an {@code .onnx} file called {@code name} in messages,
   * with all of ONNX Runtime's graph optimisations (convolutions fused with what follows them, its
   * blocked channel layout); the first session of the JVM sizes the shared pool to {@code threads}
   * intra-op threads and one inter-op thread.
   *
   * @throws IllegalArgumentException when ONNX Runtime refuses the model, with its reason
   */
  public static OrtSession open(byte[] model, int threads, String name) {
    OrtEnvironment shared = environment(threads);
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      if (ownPools) {
        options.setIntraOpNumThreads(threads);
        options.setInterOpNumThreads(1);
        options.addConfigEntry("session.intra_op.allow_spinning", "0");
      } else {
        options.disablePerSessionThreads();
      }
      return shared.createSession(model, options);
    } catch (OrtException e) {
      throw new IllegalArgumentException(
          "ONNX Runtime cannot load " + name + ": " + e.getMessage(), e);
    }
  }
}
