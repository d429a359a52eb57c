package dev.ato.projection;

import static com.google.common.base.Preconditions.checkArgument;

import dev.ato.groups.ControllerBlock;
import dev.ato.groups.GroupMask;
import dev.ato.groups.GroupSet;
import dev.ato.tensor.TensorOps;
import java.util.List;

/**
 * The group-lasso proximal operator of ATO (Eq. 2 of Wu et al., CVPR 2024), applied to the groups a
 * mask prunes: {@code z_g <- z_g * max(0, 1 - eta * lambda_g / ||z_g||_2)}, with {@code lambda_g =
 * lambda * (pruned groups in g's block / pruned groups in all blocks)}, so that blocks losing more
 * channels are pushed harder. A group already at zero stays at zero.
 *
 * <p>Once the mask is frozen the run has a deadline: the paper's lambda (1000 after the search) is
 * sized for runs of 100,000+ steps, and in a short run a group in a block with few pruned groups
 * gets a small share of it and can end the run far from zero. So a step that knows the {@linkplain
 * Projector.Step#projectionsLeft projections left} shrinks each pruned group by at least {@code 1 /
 * projectionsLeft} of its norm: never less than Eq. 2, and exactly zero at the last step, whatever
 * the optimiser pushed back in between.
 */
public final class GroupLassoProjector implements Projector {

  private final GroupSet groups;
  private final TensorPlans plans;

  private GroupLassoProjector(GroupSet groups) {
    this.groups = groups;
    this.plans = new TensorPlans(groups);
  }

  /** A projector for the groups of {@code groups}. */
  public static GroupLassoProjector of(GroupSet groups) {
    return new GroupLassoProjector(groups);
  }

  @Override
  public boolean needsValuesBeforeStep() {
    return false;
  }

  /**
   * The per-group strengths {@code lambda_g} under {@code mask}: {@code lambda} times the share of
   * all pruned groups that lie in the group's block; 0 for kept groups.
   */
  public double[] groupLambdas(GroupMask mask, double lambda) {
    checkArgument(lambda >= 0, "lambda must not be negative, found %s", lambda);
    checkMaskSize(mask);
    double[] lambdas = new double[groups.size()];
    int pruned = mask.prunedCount();
    if (pruned == 0) {
      return lambdas;
    }
    for (ControllerBlock block : groups.blocks()) {
      double weight = lambda * mask.prunedCount(block.firstGroup(), block.size()) / pruned;
      for (int g = block.firstGroup(); g < block.endGroup(); g++) {
        lambdas[g] = mask.isKept(g) ? 0 : weight;
      }
    }
    return lambdas;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Norms and factors are computed next to the parameters, through {@code ops}: per tensor one
   * reduction and one scale, and one copy from the host (the step's per-group strengths and the
   * channel layout); nothing is copied back.
   */
  @Override
  public <T, V> void projectInPlace(TensorOps<T, V> ops, Projector.Step<T> step) {
    GroupMask mask = step.mask();
    checkMaskSize(mask);
    if (mask.prunedCount() == 0) {
      return;
    }
    List<TensorPlan> touched = plans.touching(mask);
    if (touched.isEmpty()) {
      return;
    }
    List<T> tensors = TensorPlan.lookupAll(step.current(), touched);
    ChannelLayout layout = plans.layout(ops, touched, tensors);
    int slots = layout.slots();
    double[] lambdas = groupLambdas(mask, step.lambda());
    // The head of the upload: eta * lambda_g, 1 for pruned groups, then 0, 1, projections left.
    double[] head = new double[2 * slots + 3];
    for (int s = 0; s < slots; s++) {
      int group = layout.group(s);
      head[s] = step.learningRate() * lambdas[group];
      head[slots + s] = mask.isKept(group) ? 0 : 1;
    }
    head[2 * slots + 1] = 1;
    head[2 * slots + 2] = step.projectionsLeft();
    try (TensorOps.Scope ignored = ops.openScope()) {
      ChannelLayout.Upload<V> upload =
          layout.upload(ops, head, new int[] {slots, slots, 1, 1, 1}, tensors.get(0));
      V lassoShrink = upload.head().get(0);
      V pruned = upload.head().get(1);
      V zero = upload.head().get(2);
      V one = upload.head().get(3);
      V projectionsLeft = upload.head().get(4);

      V norms = ops.sqrt(layout.slotSums(ops, ops.sumOfSquares(tensors, layout.axes()), upload));
      V shrink =
          step.projectionsLeft() > 0
              ? ops.maximum(lassoShrink, ops.div(norms, projectionsLeft))
              : lassoShrink;
      // max(0, 1 - shrink / norm); a group at zero gets 0 (the division gave NaN or infinity).
      V factors = ops.maximum(zero, ops.sub(one, ops.div(shrink, norms)));
      factors = ops.whereZero(norms, zero, factors);
      factors = ops.whereZero(pruned, one, factors);
      layout.scaleInPlace(ops, tensors, factors, one, upload);
    }
  }

  private void checkMaskSize(GroupMask mask) {
    checkArgument(
        mask.size() == groups.size(),
        "the mask covers %s groups but graph '%s' has %s",
        mask.size(),
        groups.graphName(),
        groups.size());
  }
}
