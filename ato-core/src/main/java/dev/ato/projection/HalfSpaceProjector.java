package dev.ato.projection;

import static com.google.common.base.Preconditions.checkArgument;

import dev.ato.groups.GroupMask;
import dev.ato.groups.GroupSet;
import dev.ato.tensor.TensorOps;
import java.util.List;

/**
 * Half-space projection (Eq. 3 of Wu et al., CVPR 2024, from Chen et al., "Only Train Once",
 * NeurIPS 2021), applied to the groups a mask prunes, in the form of OTO's half-space projected
 * gradient: the step of a pruned group includes the pull of its group-sparsity term, and then the
 * group is tested against the half-space. With {@code x_g} the group before the optimiser step and
 * {@code z_g} after it, {@code z_g} first takes the group-lasso step of {@link GroupLassoProjector}
 * (the run's lambda and, once the mask froze, its deadline), then {@code z_g <- 0} if {@code z_g .
 * x_g < epsilon * ||x_g||^2}, else it is left as it is.
 *
 * <p>Without the sparsity term (lambda 0, no deadline) this is Eq. 3 alone. Eq. 3 alone only zeroes
 * a group that the task gradient happens to push out of the half-space, and in runs of a few
 * thousand steps it left pruned groups at norm ~1.9; the pull shrinks each pruned group until the
 * test zeroes it, and the deadline makes every one exactly zero by the last step.
 *
 * <p>A group that was already zero before the step ({@code x_g = 0}) is set to zero again: the
 * half-space is undefined there, and a pruned group must stay zero so that removing it changes no
 * output.
 */
public final class HalfSpaceProjector implements Projector {

  private final GroupSet groups;
  private final double epsilon;
  private final TensorPlans plans;
  private final GroupLassoProjector sparsityPull;

  private HalfSpaceProjector(GroupSet groups, double epsilon) {
    this.groups = groups;
    this.epsilon = epsilon;
    this.plans = new TensorPlans(groups);
    this.sparsityPull = GroupLassoProjector.of(groups);
  }

  /**
   * A projector for the groups of {@code groups}.
   *
   * @param epsilon how far into the half-space a group must stay to survive, in [0, 1); the paper's
   *     default is 0.1
   */
  public static HalfSpaceProjector of(GroupSet groups, double epsilon) {
    checkArgument(
        epsilon >= 0 && epsilon < 1,
        "epsilon of the half-space projection must lie in [0, 1), found %s",
        epsilon);
    return new HalfSpaceProjector(groups, epsilon);
  }

  /** The epsilon this projector uses. */
  public double epsilon() {
    return epsilon;
  }

  @Override
  public boolean needsValuesBeforeStep() {
    return true;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Dot products, norms and factors are computed next to the parameters, through {@code ops}:
   * per tensor two reductions and one scale, and one copy from the host (the mask and the channel
   * layout); nothing is copied back.
   */
  @Override
  public <T, V> void projectInPlace(TensorOps<T, V> ops, Projector.Step<T> step) {
    GroupMask mask = step.mask();
    checkArgument(
        mask.size() == groups.size(),
        "the mask covers %s groups but graph '%s' has %s",
        mask.size(),
        groups.graphName(),
        groups.size());
    checkArgument(
        step.beforeStep().isPresent(),
        "half-space projection needs the parameters before the optimiser step");
    if (mask.prunedCount() == 0) {
      return;
    }
    List<TensorPlan> touched = plans.touching(mask);
    if (touched.isEmpty()) {
      return;
    }
    sparsityPull.projectInPlace(ops, step);
    List<T> after = TensorPlan.lookupAll(step.current(), touched);
    List<T> before = TensorPlan.lookupAll(step.beforeStep().get(), touched);
    ChannelLayout layout = plans.layout(ops, touched, after);
    int slots = layout.slots();
    // The head of the upload: 1 for pruned groups, then 0, 1, epsilon.
    double[] head = new double[slots + 3];
    for (int s = 0; s < slots; s++) {
      head[s] = mask.isKept(layout.group(s)) ? 0 : 1;
    }
    head[slots + 1] = 1;
    head[slots + 2] = epsilon;
    try (TensorOps.Scope ignored = ops.openScope()) {
      ChannelLayout.Upload<V> upload =
          layout.upload(ops, head, new int[] {slots, 1, 1, 1}, after.get(0));
      V pruned = upload.head().get(0);
      V zero = upload.head().get(1);
      V one = upload.head().get(2);
      V epsilonValue = upload.head().get(3);

      int[] axes = layout.axes();
      V dot = layout.slotSums(ops, ops.dot(after, before, axes), upload);
      V squaredNorm = layout.slotSums(ops, ops.sumOfSquares(before, axes), upload);
      V outside = ops.lessThan(dot, ops.mul(epsilonValue, squaredNorm));
      V factors = ops.sub(one, outside);
      factors = ops.whereZero(squaredNorm, zero, factors);
      factors = ops.whereZero(pruned, one, factors);
      layout.scaleInPlace(ops, after, factors, one, upload);
    }
  }
}
