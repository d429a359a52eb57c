package dev.ato.djl;

/**
 * A loss or the controller's output stopped being finite: the run cannot go on. Thrown where it is
 * seen, with what and at which step; the run adds the epoch, the likely causes and which checkpoint
 * is kept before the user sees it.
 */
final class RunDiverged extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  RunDiverged(String what) {
    super(what);
  }
}
