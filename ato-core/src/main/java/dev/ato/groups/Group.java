package dev.ato.groups;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;

/**
 * A zero-invariant group (ZIG): parameter slices such that, when all of them are zero, the channels
 * in {@link #zeroChannels()} are zero for every input, so they can be removed from the network
 * without changing its outputs.
 *
 * @param id position in {@link GroupSet#groups()}, which is also the position of the group's entry
 *     in a mask
 * @param name readable identity, {@code <first producing layer>:out[<channel>]}
 * @param block index of the controller block in {@link GroupSet#blocks()} holding the group
 * @param members the slices that make the group (producers' output slices, and the per-channel
 *     parameters of batch norms and depthwise convolutions on the way)
 * @param consumerSlices input slices of the layers that read the group's channels; not part of the
 *     group (they need not be zero) but cut away with it when the subnet is built
 * @param zeroChannels the layer outputs that are zero when the group is zero
 * @param producers the layers that produce the group's channels (several for a residual stream)
 */
public record Group(
    int id,
    String name,
    int block,
    ImmutableList<Slice> members,
    ImmutableList<Slice> consumerSlices,
    ImmutableList<ChannelSpan> zeroChannels,
    ImmutableSet<String> producers) {

  /** The member slices that training updates: those that projection drives to zero. */
  public ImmutableList<Slice> trainableMembers() {
    return members.stream().filter(Slice::trainable).collect(ImmutableList.toImmutableList());
  }

  @Override
  public String toString() {
    return "Group " + id + " '" + name + "' (" + members.size() + " slices)";
  }
}
