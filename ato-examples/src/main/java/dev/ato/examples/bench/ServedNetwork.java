package dev.ato.examples.bench;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.ato.djl.AutoTrainOnce;
import dev.ato.examples.data.DataFormat;
import dev.ato.examples.data.FashionMnist;
import dev.ato.examples.data.ImageData;
import dev.ato.examples.models.CifarMobileNetV2;
import dev.ato.examples.models.CifarResNet;
import java.io.IOException;

/** The networks the serving benchmarks time: CIFAR ResNet-20 and CIFAR MobileNetV2 (width 1). */
enum ServedNetwork {
  RESNET20("CIFAR ResNet-20 (width 16)", 0.5),
  MOBILENETV2("CIFAR MobileNetV2 (width 1)", 0.45);

  /** The network, for the page. */
  final String description;

  /**
   * The FLOPs reduction it is benchmarked at unless told otherwise (MobileNetV2's is the paper's).
   */
  final double reduction;

  ServedNetwork(String description, double reduction) {
    this.description = description;
    this.reduction = reduction;
  }

  /**
   * The images the serving benchmarks' ATO runs train on: the first {@code images} Fashion-MNIST
   * training images in batches of {@code batch} (and one batch of test images), seed 42.
   */
  static ImageData trainingImages(int images, int batch) throws IOException {
    return ImageData.builder()
        .setFormat(DataFormat.IDX)
        .setDirectory(FashionMnist.directory())
        .setBatchSize(batch)
        .optTrainLimit(images)
        .optTestLimit(batch)
        .optSeed(42)
        .build();
  }

  /**
   * ATO on the builder's defaults for a new block of this network on 1x28x28 images: {@code
   * reduction} of its FLOPs over {@code epochs} epochs of {@code data}'s training images, seed 42.
   */
  AutoTrainOnce atoOnDefaults(ImageData data, double reduction, int epochs) {
    return AutoTrainOnce.builder()
        .setBlock(block())
        .setInputShape(new Shape(1, 1, 28, 28))
        .setTrainingData(data.train())
        .setFlopsReduction(reduction)
        .setEpochs(epochs)
        .optSeed(42)
        .build();
  }

  /** A new, uninitialised block of the network, for 10 classes. */
  Block block() {
    return this == RESNET20
        ? CifarResNet.builder().setDepth(20).setClasses(10).build()
        : CifarMobileNetV2.builder().setClasses(10).build();
  }
}
