package dev.ato.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ato.djl.graph.ModelGraph;
import dev.ato.djl.tensor.NDArrayOps;
import dev.ato.groups.Group;
import dev.ato.groups.GroupMask;
import dev.ato.groups.GroupSet;
import dev.ato.groups.Slice;
import dev.ato.projection.GroupNorms;
import dev.ato.projection.ParameterSource;
import dev.ato.projection.Projector;
import dev.ato.schedule.LambdaSchedule;
import dev.ato.schedule.TrainingSchedule;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The projection of a run on the model's parameters (docs/method.md, "Formulas"): after each
 * optimiser step from the warm-up on, the groups the mask prunes move towards zero, with the
 * optimiser's learning rate as the step size; after the mask froze, with a deadline so that they
 * are exactly zero at the last step.
 */
final class ModelProjection {

  private final ModelGraph graph;
  private final GroupSet groups;
  private final RunSettings settings;
  private final Projector projector;
  private final GroupNorms norms;
  private final LambdaSchedule lambda;

  ModelProjection(ModelGraph graph, GroupSet groups, RunSettings settings) {
    this.graph = graph;
    this.groups = groups;
    this.settings = settings;
    this.projector = settings.config().projection().projector(groups);
    this.norms = GroupNorms.of(groups);
    this.lambda = settings.config().projection().lambda();
  }

  /** Whether step {@code step} projects under {@code mask}. */
  boolean projects(long step, GroupMask mask) {
    return settings.schedule().projects(step) && mask.prunedCount() > 0;
  }

  /**
   * What the projector needs to see from before the optimiser step: copies of the tensors that hold
   * pruned groups, owned by {@code manager}, for projections that compare with them.
   */
  Optional<ParameterSource<NDArray>> before(GroupMask mask, NDManager manager) {
    if (!projector.needsValuesBeforeStep()) {
      return Optional.empty();
    }
    Map<String, NDArray> copies = new HashMap<>();
    for (Group group : groups.groups()) {
      if (mask.isKept(group.id())) {
        continue;
      }
      for (Slice slice : group.trainableMembers()) {
        copies.computeIfAbsent(
            slice.layer() + "\u0000" + slice.parameter(),
            key -> {
              NDArray copy =
                  graph.parameter(slice.layer(), slice.parameter()).getArray().duplicate();
              copy.attach(manager);
              return copy;
            });
      }
    }
    return Optional.of((layer, parameter) -> copies.get(layer + "\u0000" + parameter));
  }

  /** The lambda of the group-sparsity step at {@code step}. */
  double lambdaAt(long step) {
    return lambda.at(step, settings.schedule());
  }

  /** Projects the pruned groups after the optimiser step {@code step}. */
  void after(long step, GroupMask mask, Optional<ParameterSource<NDArray>> before) {
    TrainingSchedule schedule = settings.schedule();
    double learningRate =
        settings.learningRate().getNewValue("ato", settings.firstUpdate() + (int) step);
    long projectionsLeft = schedule.maskFrozen(step) ? schedule.totalSteps() - step : 0;
    projector.projectInPlace(
        NDArrayOps.INSTANCE,
        new Projector.Step<>(
            graph.parameterArrays(), before, mask, learningRate, lambdaAt(step), projectionsLeft));
  }

  /** The largest L2 norm among the groups {@code mask} prunes, 0 when none is pruned. */
  double largestPrunedNorm(GroupMask mask) {
    double[] values = norms.compute(NDArrayOps.INSTANCE, graph.parameterArrays());
    double largest = 0;
    for (int g = 0; g < values.length; g++) {
      if (!mask.isKept(g)) {
        largest = Math.max(largest, values[g]);
      }
    }
    return largest;
  }
}
