/**
 * Reading DJL models: from an ordinary block tree to ato's channel-flow graph, with the mapping
 * from graph nodes back to DJL blocks and parameters, and a layer-by-layer runner that can watch
 * and gate channels. Entry point: {@link dev.ato.djl.graph.ModelReader}.
 */
package dev.ato.djl.graph;
