package dev.ato.examples.latency;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Networks opened for timing, closed together: one that fails to open closes the ones opened before
 * it, so that no manager or session outlives a failure.
 */
public final class Forwards implements AutoCloseable {

  private final List<Forward> opened = new ArrayList<>();

  /** Opens a network and keeps it for {@link #close()}; returns it. */
  public Forward open(Supplier<? extends Forward> network) {
    Forward forward = network.get();
    opened.add(forward);
    return forward;
  }

  /** Opens each network in turn; on a failure, the ones already open are closed with this. */
  public List<Forward> openAll(List<Supplier<? extends Forward>> networks) {
    List<Forward> forwards = new ArrayList<>();
    for (Supplier<? extends Forward> network : networks) {
      forwards.add(open(network));
    }
    return forwards;
  }

  /** Closes every network opened, the first failure thrown with the others added to it. */
  @Override
  public void close() {
    RuntimeException failure = null;
    for (Forward forward : opened) {
      try {
        forward.close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    opened.clear();
    if (failure != null) {
      throw failure;
    }
  }
}
