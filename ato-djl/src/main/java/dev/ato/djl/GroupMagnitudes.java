package dev.ato.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ato.djl.graph.ModelGraph;
import dev.ato.djl.tensor.NDArrayOps;
import dev.ato.groups.ControllerBlock;
import dev.ato.groups.GroupSet;
import dev.ato.projection.GroupNorms;
import dev.ato.projection.ParameterSource;
import java.util.HashMap;
import java.util.Map;

/** How large each group's weights are, for choosing groups without a controller. */
final class GroupMagnitudes {

  private GroupMagnitudes() {}

  /**
   * How large each group's weights are against the other groups of its layer, by group id: the root
   * mean square of its trainable weights ({@link #absoluteRootMeanSquares}) over the mean of its
   * layer's ({@link #relativeToLayer}). Groups with the smallest are cut first.
   *
   * @param manager where temporary arrays live while they are needed
   */
  static double[] rootMeanSquares(ModelGraph graph, GroupSet groups, NDManager manager) {
    return relativeToLayer(absoluteRootMeanSquares(graph, groups, manager), groups);
  }

  /**
   * Each group's value over the mean value of its controller block (its layer's groups), as
   * Torch-Pruning's mean normaliser does: initial weights are smaller the more inputs a layer has,
   * so raw magnitudes ranked over the whole network would cut the wide layers first whatever they
   * learnt.
   */
  static double[] relativeToLayer(double[] values, GroupSet groups) {
    double[] relative = values.clone();
    for (ControllerBlock block : groups.blocks()) {
      double mean = 0;
      for (int g = block.firstGroup(); g < block.endGroup(); g++) {
        mean += values[g] / block.size();
      }
      for (int g = block.firstGroup(); g < block.endGroup(); g++) {
        relative[g] = mean > 0 ? values[g] / mean : 0;
      }
    }
    return relative;
  }

  /**
   * The root mean square of each group's trainable weights, by group id: its L2 norm over the norm
   * of ones shaped as its slices, so that groups of many weights and of few compare fairly.
   *
   * @param manager where the ones live while they are needed
   */
  static double[] absoluteRootMeanSquares(ModelGraph graph, GroupSet groups, NDManager manager) {
    GroupNorms norms = GroupNorms.of(groups);
    ParameterSource<NDArray> parameters = graph.parameterArrays();
    double[] values = norms.compute(NDArrayOps.INSTANCE, parameters);
    try (NDManager scope = manager.newSubManager()) {
      Map<String, NDArray> ones = new HashMap<>();
      double[] roots =
          norms.compute(
              NDArrayOps.INSTANCE,
              (layer, parameter) ->
                  ones.computeIfAbsent(
                      layer + "\u0000" + parameter,
                      key -> scope.ones(parameters.get(layer, parameter).getShape())));
      for (int g = 0; g < values.length; g++) {
        values[g] = roots[g] > 0 ? values[g] / roots[g] : 0;
      }
    }
    return values;
  }
}
