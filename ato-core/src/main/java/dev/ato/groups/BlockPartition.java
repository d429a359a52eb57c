package dev.ato.groups;

/** How groups are partitioned into the controller's blocks. */
public enum BlockPartition {
  /**
   * One block per producing layer: all groups whose channels the same layers produce (one
   * convolution, or all producers of one residual stream). The paper's choice for ResNets.
   */
  LAYER,
  /**
   * One block per scope: groups whose first producing layer shares the name prefix up to its last
   * dot ({@code stage1.unit0}), i.e. per residual unit or inverted residual when layers are named
   * hierarchically.
   */
  SCOPE
}
