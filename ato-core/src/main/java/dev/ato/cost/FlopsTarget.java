package dev.ato.cost;

/**
 * A whole-model FLOPs reduction restated for the controller (docs/method.md, "Formulas"): the ratio
 * {@code p} of the prunable part's FLOPs that must remain, {@code p = 1 - reduction * total /
 * prunable}. Both views are kept so that reports can state both.
 *
 * @param reduction share of the whole model's FLOPs to remove, in (0, 1)
 * @param prunableRatio {@code p}: share of the prunable part's FLOPs to keep
 * @param totalFlops the whole model's multiply-accumulates, all groups kept
 * @param prunableFlops multiply-accumulates of the layers a mask can change, all groups kept
 */
public record FlopsTarget(
    double reduction, double prunableRatio, long totalFlops, long prunableFlops) {

  /** Multiply-accumulates the whole model has once the reduction is reached. */
  public double targetFlops() {
    return totalFlops * (1 - reduction);
  }
}
