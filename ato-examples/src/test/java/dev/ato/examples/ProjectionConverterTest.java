package dev.ato.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ato.projection.Projection;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ProjectionConverterTest {

  private final PruneCommand.ProjectionConverter converter = new PruneCommand.ProjectionConverter();

  @Test
  void groupLassoReadsAsTheDefaultGroupLasso() {
    assertThat(converter.convert("group-lasso")).isEqualTo(Projection.groupLasso());
  }

  @Test
  void halfSpaceReadsInEitherSpellingWithThePapersEpsilon() {
    assertThat(converter.convert("HALF_SPACE")).isEqualTo(Projection.halfSpace(0.1));
  }

  @Test
  void anUnknownNameIsRefusedWithTheNamesThatWork() {
    assertThatThrownBy(() -> converter.convert("l1"))
        .isInstanceOf(CommandLine.TypeConversionException.class)
        .hasMessage("'l1' is not a projection: use group-lasso or half-space");
  }
}
