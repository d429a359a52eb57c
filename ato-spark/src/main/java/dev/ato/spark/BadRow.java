package dev.ato.spark;

/**
 * Why a row cannot be scored; the scorer adds where the row is. Thrown and caught per row, so it
 * carries no stack trace.
 */
final class BadRow extends Exception {

  private static final long serialVersionUID = 1L;

  BadRow(String reason) {
    super(reason, null, false, false);
  }
}
