package dev.ato.spark;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The networks of one executor JVM: each loaded once, when the first task asks for it, and shared
 * by the tasks that follow (a DJL model serves several predictors at once, an ONNX Runtime session
 * several threads). They stay loaded as long as the executor, as DJL's own Spark extension keeps
 * its models.
 */
final class ExecutorModels {

  private static final Logger LOG = LoggerFactory.getLogger(ExecutorModels.class);

  private static final Map<String, ScoringNetwork> MODELS = new ConcurrentHashMap<>();
  private static final Map<String, AtomicInteger> LOADS = new ConcurrentHashMap<>();

  private ExecutorModels() {}

  /**
   * The network at {@code location}, loaded on the first call in this JVM: a directory {@code
   * CompressedModel.save} wrote, or an {@code .onnx} file {@code OnnxExport} wrote, as a local path
   * or a Hadoop file system's URI (copied to the local disk first).
   *
   * @throws IllegalArgumentException when the location holds no saved network (the message names
   *     the file)
   * @throws IllegalStateException for an {@code .onnx} file without ONNX Runtime on the class path
   */
  static ScoringNetwork get(String location, HadoopFiles files) {
    return MODELS.computeIfAbsent(location, key -> load(key, files));
  }

  /** How many times this JVM loaded the network at {@code location}. */
  static int loads(String location) {
    AtomicInteger count = LOADS.get(location);
    return count == null ? 0 : count.get();
  }

  /** Closes every network this JVM holds, once no task scores: for tests and finished jobs. */
  static synchronized void closeAll() {
    MODELS.values().forEach(ScoringNetwork::close);
    MODELS.clear();
  }

  private static ScoringNetwork load(String location, HadoopFiles files) {
    TaskContext task = TaskContext.get();
    int taskCpus = task == null ? 1 : task.cpus();
    Path local = files.toLocal(location);
    ScoringNetwork network;
    if (location.toLowerCase(Locale.ROOT).endsWith(".onnx")) {
      try {
        network = OnnxNetwork.load(local, taskCpus);
      } catch (NoClassDefFoundError e) {
        throw new IllegalStateException(
            "scoring the ONNX file "
                + location
                + " needs ONNX Runtime (com.microsoft.onnxruntime:onnxruntime) on the executors'"
                + " class path: add it to the job's jar",
            e);
      }
    } else {
      EngineThreads.followTask();
      network = DjlNetwork.load(local);
    }
    LOADS.computeIfAbsent(location, key -> new AtomicInteger()).incrementAndGet();
    LOG.info("loaded {} on this executor: {}", location, network.describe());
    return network;
  }
}
