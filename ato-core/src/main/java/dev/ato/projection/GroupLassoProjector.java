package dev.ato.projection;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import dev.ato.groups.ControllerBlock;
import dev.ato.groups.GroupMask;
import dev.ato.groups.GroupSet;
import dev.ato.tensor.TensorOps;

/**
 * The group-lasso proximal operator of ATO (Eq. 2 of Wu et al., CVPR 2024), applied to the
 * groups a mask prunes:
 * {@code z_g <- z_g * max(0, 1 - eta * lambda_g / ||z_g||_2)}, with
 * {@code lambda_g = lambda * (pruned groups in g's block / pruned groups in all blocks)}, so that
 * blocks losing more channels are pushed harder. A group already at zero stays at zero.
 *
 * <p>Once the mask is frozen the run has a deadline: the paper's lambda (1000 after the search)
 * is sized for runs of 100,000+ steps, and in a short run a group in a block with few pruned
 * groups gets a small share of it and can end the run far from zero. So a step that knows the
 * {@linkplain ProjectionStep#projectionsLeft projections left} shrinks each pruned group by at
 * least {@code 1 / projectionsLeft} of its norm: never less than Eq. 2, and exactly zero at the
 * last step, whatever the optimiser pushed back in between.
 */
public final class GroupLassoProjector implements Projector {

  private final GroupSet groups;
  private final ImmutableList<TensorPlan> plans;

  private GroupLassoProjector(GroupSet groups) {
    this.groups = groups;
    this.plans = TensorPlan.of(groups);
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
   * The per-group strengths {@code lambda_g} under {@code mask}: {@code lambda} times the share
   * of all pruned groups that lie in the group's block; 0 for kept groups.
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

  @Override
  public <T> void projectInPlace(TensorOps<T> ops, ProjectionStep<T> step) {
    GroupMask mask = step.mask();
    checkMaskSize(mask);
    if (mask.prunedCount() == 0) {
      return;
    }
    double[] squaredNorms = new double[groups.size()];
    for (TensorPlan plan : plans) {
      if (plan.touchesPruned(mask)) {
        T tensor = TensorPlan.lookup(step.current(), plan);
        plan.accumulatePruned(ops.sumOfSquares(tensor, plan.axis()), mask, squaredNorms);
      }
    }
    double[] lambdas = groupLambdas(mask, step.lambda());
    double[] factors = new double[groups.size()];
    for (int g = 0; g < factors.length; g++) {
      double norm = Math.sqrt(squaredNorms[g]);
      double shrink = step.learningRate() * lambdas[g];
      if (step.projectionsLeft() > 0) {
        shrink = Math.max(shrink, norm / step.projectionsLeft());
      }
      factors[g] = norm == 0 ? 0 : Math.max(0, 1 - shrink / norm);
    }
    TensorPlan.scalePruned(plans, ops, step.current(), mask, factors);
  }

  private void checkMaskSize(GroupMask mask) {
    checkArgument(mask.size() == groups.size(),
        "the mask covers %s groups but graph '%s' has %s", mask.size(), groups.graphName(),
        groups.size());
  }
}
