package dev.ato.groups;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * One entry of the sequence the controller network reads (docs/method.md, "Formulas"): a run of
 * consecutive groups, {@code firstGroup .. firstGroup + size - 1}, that the controller's per-block
 * head scores together. Blocks partition the groups and follow the network from input to output.
 *
 * @param index position in {@link GroupSet#blocks()}
 * @param name readable identity: the producing layer, or the first producer of a residual stream
 * @param firstGroup id of the block's first group
 * @param size number of groups, at least 1
 */
public record ControllerBlock(int index, String name, int firstGroup, int size) {

  public ControllerBlock {
    checkArgument(size >= 1, "a controller block holds at least one group, found %s", size);
  }

  /** One past the id of the block's last group. */
  public int endGroup() {
    return firstGroup + size;
  }
}
