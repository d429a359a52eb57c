package dev.ato.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class GraphCommandTest {

  private static CommandRun graph(String... args) {
    return CommandRun.of(
        Stream.concat(Stream.of("graph"), Arrays.stream(args)).toArray(String[]::new));
  }

  @Test
  void theDefaultReportDescribesResnet56() {
    CommandRun run = graph();

    assertThat(run.code).isZero();
    assertThat(run.out)
        .contains("resnet56-cifar: ", "125.75 M MACs", "855.8 k parameters")
        .contains(
            "zero-invariant groups: 1008 in 27 controller blocks (residual streams kept "
                + "whole)")
        .contains(
            "not offered: 125 channel sets (3 network input, 10 network output, 112 "
                + "residual stream)")
        .contains("target: remove 55.0% of all MACs -> the controller keeps p = 0.4469");
    assertThat(run.out.lines().filter(l -> l.matches("\\s+\\d+\\s+stage.*"))).hasSize(27);
  }

  @Test
  void residualStreamsCanBeOffered() {
    CommandRun run = graph("--model", "mobilenetv2", "--prune-residual-streams");

    assertThat(run.out)
        .contains(
            "zero-invariant groups: 9128 in 25 controller blocks " + "(residual streams pruned)");
  }

  @Test
  void anImpossibleReductionIsReportedWithoutAStackTrace() {
    CommandRun run = graph("--reduction", "1.5");

    assertThat(run.code).isEqualTo(2);
    assertThat(run.err).startsWith("error: a FLOPs reduction must lie in (0, 1)");
    assertThat(run.err).doesNotContain("at dev.ato");
  }
}
