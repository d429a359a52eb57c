/**
 * Zero-invariant groups (ZIGs): sets of parameter slices whose zeroing removes channels from a
 * network's function, found automatically from a {@link dev.ato.graph.ChannelGraph}, and the
 * controller blocks that partition them. Entry point: {@link dev.ato.groups.ZeroInvariantGroups}.
 */
package dev.ato.groups;
