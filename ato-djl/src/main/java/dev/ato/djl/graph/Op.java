package dev.ato.djl.graph;

import ai.djl.nn.Block;
import com.google.common.collect.ImmutableList;

/**
 * How to run a model that was read: the DJL block tree reduced to what ato understands. Leaves are
 * the user's own blocks, run as they are; sequences chain; parallel blocks run their branches and
 * join them the way the reader identified, so a run can watch and gate every layer's channels while
 * computing exactly what the model computes.
 */
sealed interface Op permits Op.Leaf, Op.Sequence, Op.Parallel {

  /** One of the model's blocks, which is the graph node {@code node}. */
  record Leaf(String node, Block block) implements Op {}

  /** Steps run one after another. */
  record Sequence(ImmutableList<Op> steps) implements Op {}

  /**
   * Branches run on the same input and joined; {@code joinNode} names the graph node of the add or
   * concat, {@code reluNode} the ReLU after an add, or null.
   */
  record Parallel(
      ImmutableList<Op> branches, FunctionIdentifier.Join join, String joinNode, String reluNode)
      implements Op {}
}
