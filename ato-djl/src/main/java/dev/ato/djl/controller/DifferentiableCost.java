package dev.ato.djl.controller;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.ato.cost.CostModel;
import dev.ato.cost.CostTerm;
import dev.ato.cost.KeptCount;
import java.util.List;

/**
 * The kept share of the prunable FLOPs as a differentiable function of a keep vector (Wu, Gao et
 * al., CVPR 2024, section 3.3; docs/method.md, "Formulas"): {@code r(keep) = FLOPs(keep) /
 * FLOPs(ones)} over the {@link CostModel}'s terms that a mask can change.
 *
 * <p>Each term is {@code c_t * kept_out_t * kept_in_t} with {@code kept = fixed + multiplicities .
 * keep}, so the whole ratio is a few vectorised operations: {@code r = sum(c / FLOPs(ones) * (f_out
 * + A_out keep) * (f_in + A_in keep))} with dense {@code [terms x groups]} matrices {@code A}. It
 * equals {@code cost.prunableFlops(keep) / cost.prunableFlops()} for hard and soft keep vectors.
 *
 * <p>Owns its constant arrays in a sub-manager of the one it was made with; close it to free them.
 */
public final class DifferentiableCost implements AutoCloseable {

  private final int groupCount;
  private final NDManager manager;
  private final NDArray scaledCoefficients;
  private final NDArray outputFixed;
  private final NDArray outputCounts;
  private final NDArray inputFixed;
  private final NDArray inputCounts;

  private DifferentiableCost(int groupCount, NDManager manager, NDList arrays) {
    this.groupCount = groupCount;
    this.manager = manager;
    this.scaledCoefficients = arrays.get(0);
    this.outputFixed = arrays.get(1);
    this.outputCounts = arrays.get(2);
    this.inputFixed = arrays.get(3);
    this.inputCounts = arrays.get(4);
  }

  /**
   * The FLOPs ratio of {@code cost}'s prunable part, its constants on a sub-manager of {@code
   * parent} (float32, on {@code parent}'s device).
   */
  public static DifferentiableCost of(CostModel cost, NDManager parent) {
    List<CostTerm> terms = cost.flopsTerms().stream().filter(CostTerm::dependsOnGroups).toList();
    int groups = cost.groupCount();
    int count = terms.size();
    float[] coefficients = new float[count];
    float[] outFixed = new float[count];
    float[] inFixed = new float[count];
    float[] outCounts = new float[count * groups];
    float[] inCounts = new float[count * groups];
    // Scaling by FLOPs(ones) here keeps float32 values near 1 instead of ~1e8 MACs.
    double full = cost.prunableFlops();
    for (int t = 0; t < count; t++) {
      CostTerm term = terms.get(t);
      coefficients[t] = (float) (term.coefficient() / full);
      outFixed[t] = term.outputs().fixed();
      inFixed[t] = term.inputs().fixed();
      fillRow(outCounts, t, groups, term.outputs());
      fillRow(inCounts, t, groups, term.inputs());
    }
    NDManager manager = parent.newSubManager();
    NDList arrays =
        new NDList(
            manager.create(coefficients),
            manager.create(outFixed),
            manager.create(outCounts, new Shape(count, groups)),
            manager.create(inFixed),
            manager.create(inCounts, new Shape(count, groups)));
    // Made inside a caller's NDScope, the constants would otherwise be closed with it.
    NDScope.unregister(arrays);
    return new DifferentiableCost(groups, manager, arrays);
  }

  private static void fillRow(float[] matrix, int row, int groups, KeptCount kept) {
    for (int i = 0; i < kept.groups().length(); i++) {
      matrix[row * groups + kept.groups().get(i)] = kept.multiplicities().get(i);
    }
  }

  /**
   * The kept share {@code r} of the prunable FLOPs under {@code keep}, a scalar array whose
   * gradient flows into {@code keep}.
   *
   * @param keep one value per group in [0, 1], float32 on this cost's device
   * @throws IllegalArgumentException when {@code keep} is not a vector of one value per group
   */
  public NDArray flopsRatio(NDArray keep) {
    checkArgument(
        keep.getShape().equals(new Shape(groupCount)),
        "the keep vector must have shape (%s), one value per group, found %s",
        groupCount,
        keep.getShape());
    NDArray outputs = outputCounts.matMul(keep).add(outputFixed);
    NDArray inputs = inputCounts.matMul(keep).add(inputFixed);
    return scaledCoefficients.mul(outputs).mul(inputs).sum();
  }

  /** Number of groups a keep vector must cover. */
  public int groupCount() {
    return groupCount;
  }

  /** Frees the constant arrays. */
  @Override
  public void close() {
    manager.close();
  }
}
