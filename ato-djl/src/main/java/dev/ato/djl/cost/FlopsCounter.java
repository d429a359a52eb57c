package dev.ato.djl.cost;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.ato.cost.CostModel;
import dev.ato.djl.graph.ModelReader;
import dev.ato.djl.subnet.SubnetBlock;

/**
 * Counts the FLOPs (multiply-accumulates of convolutions and linear layers) and trainable
 * parameters of a DJL block, by reading its channel-flow graph: the same numbers ato-core's {@link
 * CostModel} predicts for the graph, so a compressed network's count can be checked against the
 * prediction for its mask.
 */
public final class FlopsCounter {

  private FlopsCounter() {}

  /**
   * The costs of {@code block} for inputs of {@code inputShape} (batch axis first). A block ato
   * compressed is counted from its own description; any other block is read with {@link
   * ModelReader}, so it must be initialised and readable.
   *
   * @throws IllegalArgumentException when the block cannot be read (the message names it)
   */
  public static CostModel count(Block block, Shape inputShape) {
    if (block instanceof SubnetBlock subnet) {
      return CostModel.of(subnet.graph());
    }
    return CostModel.of(ModelReader.read(block, inputShape, "counted").graph());
  }
}
