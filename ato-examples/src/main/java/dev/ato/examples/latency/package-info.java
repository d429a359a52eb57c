/**
 * What pruning bought in time: forward passes of a dense and a compressed network, in DJL and in
 * ONNX Runtime, taking turns so that a slow spell of the machine falls on all of them. The command
 * line reports it after a run; the benchmarks store it.
 */
package dev.ato.examples.latency;
