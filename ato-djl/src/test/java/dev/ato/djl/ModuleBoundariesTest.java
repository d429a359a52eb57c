package dev.ato.djl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ato.config.AtoConfig;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The module descriptors as compiled: the packages ato-djl shows its users, the internals it keeps,
 * and ato-core's whole engine-neutral surface.
 */
class ModuleBoundariesTest {

  /** The descriptor of the module compiled into the class-path entry that holds {@code type}. */
  private static ModuleDescriptor descriptorOf(Class<?> type) throws URISyntaxException {
    Path location = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    return ModuleFinder.of(location).findAll().iterator().next().descriptor();
  }

  private static Set<String> unqualifiedExports(ModuleDescriptor module) {
    return module.exports().stream()
        .filter(export -> !export.isQualified())
        .map(ModuleDescriptor.Exports::source)
        .collect(Collectors.toSet());
  }

  @Test
  void theBindingExportsWhatUsersMeetAndKeepsItsInternals() throws URISyntaxException {
    ModuleDescriptor djl = descriptorOf(AutoTrainOnce.class);

    assertThat(djl.name()).isEqualTo("dev.ato.djl");
    assertThat(unqualifiedExports(djl))
        .containsExactlyInAnyOrder(
            "dev.ato.djl",
            "dev.ato.djl.cost",
            "dev.ato.djl.data",
            "dev.ato.djl.export",
            "dev.ato.djl.graph",
            "dev.ato.djl.groups",
            "dev.ato.djl.subnet");
    assertThat(djl.packages())
        .contains("dev.ato.djl.engine", "dev.ato.djl.tensor", "dev.ato.djl.controller");
  }

  @Test
  void theBindingOpensItsPackagesToGsonAlone() throws URISyntaxException {
    ModuleDescriptor djl = descriptorOf(AutoTrainOnce.class);

    assertThat(djl.opens())
        .allSatisfy(opens -> assertThat(opens.targets()).containsExactly("com.google.gson"));
  }

  @Test
  void theCoreExportsEveryPackageItHas() throws URISyntaxException {
    ModuleDescriptor core = descriptorOf(AtoConfig.class);

    assertThat(core.name()).isEqualTo("dev.ato.core");
    assertThat(unqualifiedExports(core)).isEqualTo(core.packages());
  }
}
