package dev.ato.examples;

import dev.ato.examples.data.DataFormat;
import dev.ato.examples.data.ImageData;
import dev.ato.examples.models.CifarMobileNetV2;
import dev.ato.examples.models.ZooModels;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ato mobilenetv2}: prunes a MobileNetV2. On small images (IDX, CIFAR) the CIFAR variant the
 * ATO paper prunes, with stride-1 early stages ({@link CifarMobileNetV2}); on an image folder DJL's
 * zoo MobileNetV2 ({@link ZooModels#mobileNetV2}).
 */
@Command(
    name = "mobilenetv2",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Trains and prunes a MobileNetV2 in one run (Auto-Train-Once): the CIFAR "
            + "variant on IDX and CIFAR data, DJL's MobileNetV2 on image folders.")
final class MobileNetV2Command extends PruneCommand {

  @Option(
      names = "--width-multiplier",
      defaultValue = "1.0",
      paramLabel = "W",
      description =
          "Scales every width to a multiple of 8, in (0, 4] (default " + "${DEFAULT-VALUE}).")
  double widthMultiplier;

  @Override
  Network network(ImageData data) {
    String width = String.format(Locale.ROOT, "%s", widthMultiplier);
    if (data.format() == DataFormat.FOLDER) {
      return new Network(
          ZooModels.mobileNetV2(widthMultiplier, data.classes()),
          "DJL MobileNetV2 (width " + width + ")");
    }
    return new Network(
        CifarMobileNetV2.builder().setClasses(data.classes()).optWidth(widthMultiplier).build(),
        "CIFAR MobileNetV2 (width " + width + ")");
  }
}
