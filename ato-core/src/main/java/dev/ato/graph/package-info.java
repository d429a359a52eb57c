/**
 * The channel-flow graph of a network: layers, the shapes they give, their parameters, and which
 * layer feeds which. Everything else in ato (groups, costs, the compressed network) is computed
 * from a {@link dev.ato.graph.ChannelGraph}; an engine binding builds one from its own model.
 */
package dev.ato.graph;
