package dev.ato.groups;

import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

/**
 * Choices for {@link ZeroInvariantGroups#find}: whether residual streams are pruned and how groups
 * form controller blocks. Immutable; {@link #defaults()} follows the paper's runs.
 *
 * @param pruneResidualStreams whether channels joined by residual adds form prunable groups
 *     (default false: ATO's runs keep the residual stream whole, OTO prunes it)
 * @param blockPartition how groups are partitioned into controller blocks (default {@link
 *     BlockPartition#LAYER})
 */
public record GroupOptions(boolean pruneResidualStreams, BlockPartition blockPartition) {

  public GroupOptions {
    checkNotNull(blockPartition, "blockPartition must not be null");
  }

  /** Residual streams kept whole, one controller block per producing layer. */
  public static GroupOptions defaults() {
    return new GroupOptions(false, BlockPartition.LAYER);
  }

  /** Starts from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link GroupOptions}; setting an option twice is an error. */
  public static final class Builder {
    private Boolean pruneResidualStreams;
    private BlockPartition blockPartition;

    private Builder() {}

    /** Whether residual-stream channels form prunable groups. */
    public Builder optPruneResidualStreams(boolean prune) {
      checkState(pruneResidualStreams == null, "pruneResidualStreams was already set");
      this.pruneResidualStreams = prune;
      return this;
    }

    /** How groups form controller blocks. */
    public Builder optBlockPartition(BlockPartition partition) {
      checkState(blockPartition == null, "blockPartition was already set");
      this.blockPartition = checkNotNull(partition, "blockPartition must not be null");
      return this;
    }

    /** Builds the options; may be called again. */
    public GroupOptions build() {
      return new GroupOptions(
          pruneResidualStreams != null && pruneResidualStreams,
          blockPartition == null ? BlockPartition.LAYER : blockPartition);
    }
  }
}
