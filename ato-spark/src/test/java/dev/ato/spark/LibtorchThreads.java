package dev.ato.spark;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Work done in this JVM with libtorch on a given count of threads, as an executor's tasks run it.
 * On a thread of its own: libtorch's OpenMP threads are set per calling thread, and a thread that
 * has run libtorch before keeps the count it started with.
 */
final class LibtorchThreads {

  private LibtorchThreads() {}

  static <T> T call(int threads, Callable<T> work) throws Exception {
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try {
      return thread
          .submit(
              () -> {
                Engine.getInstance();
                JniUtils.setNumThreads(threads);
                // Off, as DJL leaves it only on the thread that started the engine.
                JniUtils.setGradMode(false);
                return work.call();
              })
          .get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    } finally {
      thread.shutdownNow();
    }
  }
}
