/**
 * The benchmark command: speed of an ATO run against plain DJL training and PyTorch eager,
 * inference of compressed against dense networks, each run stored as a result file from which
 * {@code docs/benchmarks.md} is written. Run it with {@code mvn -B -ntp -q -Pdemo -DskipTests
 * verify -Dato.example.main=dev.ato.examples.bench.Benchmarks -Dato.args="speed"}.
 */
package dev.ato.examples.bench;
