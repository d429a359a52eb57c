package dev.ato.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.ato.djl.graph.ModelGraph;
import dev.ato.graph.Layer;
import dev.ato.graph.Node;
import dev.ato.groups.GroupSet;
import java.util.HashMap;
import java.util.Map;

/**
 * Multiplies the inputs of the layers that read prunable channels by a per-group keep value, which
 * is how the controller sees a candidate mask on the frozen model (docs/method.md, "The training
 * loop") without changing it. Gating a channel where it is read is the same as removing it there,
 * and every place a channel is read is gated, so a hard gate computes exactly the pruned network.
 */
final class ChannelGates implements AutoCloseable {

  private final NDManager manager;

  /** For each reading layer, its input channels' group ids, the "always kept" slot for others. */
  private final Map<String, NDArray> groupOfInput = new HashMap<>();

  ChannelGates(ModelGraph model, GroupSet groups, NDManager parent) {
    this.manager = parent.newSubManager();
    long alwaysKept = groups.size();
    for (Node node : model.graph().nodes()) {
      boolean reads =
          node.layer() instanceof Layer.Linear
              || (node.layer() instanceof Layer.Conv2d conv && conv.groups() == 1);
      if (!reads) {
        continue;
      }
      int[] ids = groups.channelGroups(node.inputs().get(0)).toArray();
      long[] slots = new long[ids.length];
      boolean anyGroup = false;
      for (int k = 0; k < ids.length; k++) {
        anyGroup |= ids[k] != GroupSet.UNPRUNABLE;
        slots[k] = ids[k] == GroupSet.UNPRUNABLE ? alwaysKept : ids[k];
      }
      if (anyGroup) {
        NDArray array = manager.create(slots);
        // Lives as long as the run, whatever NDScope the caller has open.
        NDScope.unregister(array);
        groupOfInput.put(node.name(), array);
      }
    }
  }

  /**
   * {@code input} of {@code layer} gated by {@code keep} (one value per group), or unchanged when
   * the layer reads no prunable channel.
   */
  NDArray gate(String layer, NDArray input, NDArray keepWithOne) {
    NDArray slots = groupOfInput.get(layer);
    if (slots == null) {
      return input;
    }
    NDArray gate = keepWithOne.get(slots);
    long channels = slots.size();
    return input.mul(
        input.getShape().dimension() == 4
            ? gate.reshape(1, channels, 1, 1)
            : gate.reshape(1, channels));
  }

  @Override
  public void close() {
    manager.close();
  }
}
