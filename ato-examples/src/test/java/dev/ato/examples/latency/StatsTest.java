package dev.ato.examples.latency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {

  @Test
  void anOddCountHasItsMiddleValueAsMedian() {
    assertThat(Stats.of(5.0, 1.0, 3.0)).isEqualTo(new Stats(3.0, 1.0, 5.0, 3));
  }

  @Test
  void anEvenCountHasTheMeanOfItsTwoMiddleValuesAsMedian() {
    assertThat(Stats.of(4.0, 1.0, 2.0, 8.0).median()).isEqualTo(3.0);
  }

  @Test
  void nothingToSummariseIsAnError() {
    assertThatThrownBy(() -> Stats.of(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no measurement");
  }
}
