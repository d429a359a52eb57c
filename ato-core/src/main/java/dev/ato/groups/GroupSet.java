package dev.ato.groups;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkElementIndex;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.primitives.ImmutableIntArray;

/**
 * The zero-invariant groups of one graph, ordered block by block, with the controller blocks that
 * partition them and the channels that were found but not offered. Immutable; made by {@link
 * ZeroInvariantGroups#find}.
 *
 * <p>A mask over the groups (one entry per group, in {@link #groups()} order) is what the
 * controller produces, the projectors apply and the cost model prices.
 */
public final class GroupSet {

  /** Entry of {@link #channelGroups(String)} for a channel that belongs to no prunable group. */
  public static final int UNPRUNABLE = -1;

  private final String graphName;
  private final GroupOptions options;
  private final ImmutableList<Group> groups;
  private final ImmutableList<ControllerBlock> blocks;
  private final ImmutableList<UnprunableChannels> unprunable;
  private final ImmutableMap<String, ImmutableIntArray> channelGroups;

  GroupSet(
      String graphName,
      GroupOptions options,
      ImmutableList<Group> groups,
      ImmutableList<ControllerBlock> blocks,
      ImmutableList<UnprunableChannels> unprunable,
      ImmutableMap<String, ImmutableIntArray> channelGroups) {
    this.graphName = graphName;
    this.options = options;
    this.groups = groups;
    this.blocks = blocks;
    this.unprunable = unprunable;
    this.channelGroups = channelGroups;
  }

  /** Name of the graph the groups were found in. */
  public String graphName() {
    return graphName;
  }

  /** The options the groups were found with. */
  public GroupOptions options() {
    return options;
  }

  /** The groups; {@code groups().get(i).id() == i}. */
  public ImmutableList<Group> groups() {
    return groups;
  }

  /** Number of groups: the length of a mask. */
  public int size() {
    return groups.size();
  }

  /** The group with id {@code id}. */
  public Group group(int id) {
    checkElementIndex(id, groups.size(), "group id");
    return groups.get(id);
  }

  /** The controller blocks, in network order; they partition the groups. */
  public ImmutableList<ControllerBlock> blocks() {
    return blocks;
  }

  /** Coupled channels found but not offered for pruning, with the reason. */
  public ImmutableList<UnprunableChannels> unprunable() {
    return unprunable;
  }

  /**
   * For each output channel (or feature) of {@code layer}, the id of the group it belongs to, or
   * {@link #UNPRUNABLE}.
   */
  public ImmutableIntArray channelGroups(String layer) {
    ImmutableIntArray ids = channelGroups.get(layer);
    checkArgument(ids != null, "graph '%s' has no layer '%s'", graphName, layer);
    return ids;
  }

  /**
   * {@code mask}, with one group kept again wherever the mask would remove every channel of a
   * layer: a layer needs at least one channel to exist. The group kept is the layer's first. Masks
   * from a trained controller rarely need this; random masks may.
   */
  public GroupMask keepingEveryLayer(GroupMask mask) {
    checkArgument(
        mask.size() == groups.size(),
        "the mask covers %s groups but graph '%s' has %s",
        mask.size(),
        graphName,
        groups.size());
    boolean[] keep = new boolean[mask.size()];
    for (int g = 0; g < keep.length; g++) {
      keep[g] = mask.isKept(g);
    }
    for (ImmutableIntArray channels : channelGroups.values()) {
      boolean anyKept = false;
      for (int k = 0; k < channels.length() && !anyKept; k++) {
        int group = channels.get(k);
        anyKept = group == UNPRUNABLE || keep[group];
      }
      if (!anyKept && !channels.isEmpty()) {
        keep[channels.get(0)] = true;
      }
    }
    return GroupMask.of(keep);
  }

  @Override
  public String toString() {
    return "GroupSet of '"
        + graphName
        + "': "
        + groups.size()
        + " groups in "
        + blocks.size()
        + " blocks, "
        + unprunable.size()
        + " unprunable";
  }
}
