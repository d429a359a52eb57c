package dev.ato.examples;

import dev.ato.examples.data.DataFormat;
import dev.ato.examples.data.ImageData;
import dev.ato.examples.models.CifarResNet;
import dev.ato.examples.models.ZooModels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ato resnet}: prunes a ResNet. On small images (IDX, CIFAR) the CIFAR-style ResNet of He et
 * al. with 1x1 projection shortcuts ({@link CifarResNet}); on an image folder DJL's zoo ResNetV1
 * ({@link ZooModels#resNetV1}).
 */
@Command(
    name = "resnet",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Trains and prunes a ResNet in one run (Auto-Train-Once): CIFAR-style "
            + "ResNet-20/32/56/110 on IDX and CIFAR data, DJL's ResNetV1-50 on image folders.")
final class ResNetCommand extends PruneCommand {

  private static final int CIFAR_DEPTH = 20;
  private static final int ZOO_DEPTH = 50;

  @Option(
      names = "--depth",
      paramLabel = "LAYERS",
      description =
          "Depth: 6n+2 for the CIFAR ResNet (8, 14, 20, 32, 56, 110; default "
              + CIFAR_DEPTH
              + "), 18/34/50/101/152 for an image folder (default "
              + ZOO_DEPTH
              + ").")
  Integer depth;

  @Option(
      names = "--width",
      defaultValue = "16",
      paramLabel = "CHANNELS",
      description =
          "CIFAR ResNet: channels of the first stage, doubled at each of the next two"
              + " (default ${DEFAULT-VALUE}).")
  int width;

  @Override
  Network network(ImageData data) {
    if (data.format() == DataFormat.FOLDER) {
      int layers = depth == null ? ZOO_DEPTH : depth;
      return new Network(
          ZooModels.resNetV1(layers, data.imageShape(), data.classes()), "DJL ResNetV1-" + layers);
    }
    int layers = depth == null ? CIFAR_DEPTH : depth;
    return new Network(
        CifarResNet.builder().setDepth(layers).setClasses(data.classes()).optWidth(width).build(),
        "CIFAR ResNet-" + layers + " (width " + width + ")");
  }
}
