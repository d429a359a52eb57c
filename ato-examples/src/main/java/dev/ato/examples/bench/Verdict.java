package dev.ato.examples.bench;

/**
 * A target's verdict on a measured range (the lowest and highest of several rounds): met or missed
 * only when the whole range lies on one side of the goal, else inconclusive. A median inside the
 * machine's spread between rounds would decide nothing, so none is judged here.
 */
enum Verdict {
  MET("met"),
  MISSED("**missed**"),
  INCONCLUSIVE("inconclusive");

  private final String markdown;

  Verdict(String markdown) {
    this.markdown = markdown;
  }

  /** For a goal of at least {@code goal}: met when even the lowest round reaches it. */
  static Verdict atLeast(double min, double max, double goal) {
    if (min >= goal) {
      return MET;
    }
    return max < goal ? MISSED : INCONCLUSIVE;
  }

  /** For a goal of at most {@code goal}: met when even the highest round stays within it. */
  static Verdict atMost(double min, double max, double goal) {
    if (max <= goal) {
      return MET;
    }
    return min > goal ? MISSED : INCONCLUSIVE;
  }

  /** How a page's target table shows it: a miss in bold. */
  String markdown() {
    return markdown;
  }
}
