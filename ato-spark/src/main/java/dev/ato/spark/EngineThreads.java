package dev.ato.spark;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import org.apache.spark.TaskContext;

/**
 * libtorch's threads on an executor, sized to one task's cores ({@code spark.task.cpus}): each
 * concurrent task runs a parallel region of its own, so cores per task times tasks fills the
 * executor's cores, and no more. Two libtorch pools on the same cores have made a forward pass 50x
 * slower (docs/djl-notes.md). A value set on the executors ({@value #THREADS_PROPERTY}) is kept.
 */
final class EngineThreads {

  static final String THREADS_PROPERTY = "ai.djl.pytorch.num_threads";
  static final String INTEROP_THREADS_PROPERTY = "ai.djl.pytorch.num_interop_threads";

  /** Whether the threads were chosen on the executor before ato looked: then they are kept. */
  private static Boolean chosenByUser;

  private EngineThreads() {}

  /**
   * Starts the engine with the current task's cores as libtorch's threads, and readies the calling
   * thread: the count is set on it too (libtorch's OpenMP threads are counted per calling thread,
   * and a task thread that has run libtorch before keeps the count it started with), and its grad
   * mode is switched off, as DJL does only on the thread that started the engine (with it on, a
   * forward pass records autograd, and in-place edits of parameters fail).
   */
  static synchronized void followTask() {
    TaskContext task = TaskContext.get();
    int cpus = task == null ? 1 : task.cpus();
    if (chosenByUser == null) {
      chosenByUser = System.getProperty(THREADS_PROPERTY) != null;
    }
    if (chosenByUser) {
      Engine.getInstance();
      JniUtils.setGradMode(false);
      return;
    }
    // Read when the engine starts; an engine already started (a local master shares the driver's
    // JVM) is told directly.
    System.setProperty(THREADS_PROPERTY, Integer.toString(cpus));
    if (System.getProperty(INTEROP_THREADS_PROPERTY) == null) {
      System.setProperty(INTEROP_THREADS_PROPERTY, "1");
    }
    Engine.getInstance();
    if (JniUtils.getNumThreads() != cpus) {
      JniUtils.setNumThreads(cpus);
    }
    JniUtils.setGradMode(false);
  }

  /** libtorch's threads now. */
  static int threads() {
    return JniUtils.getNumThreads();
  }
}
