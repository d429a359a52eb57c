package dev.ato.examples.bench;

import ai.djl.nn.Block;
import dev.ato.examples.models.CifarMobileNetV2;
import dev.ato.examples.models.CifarResNet;

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

  /** A new, uninitialised block of the network, for 10 classes. */
  Block block() {
    return this == RESNET20
        ? CifarResNet.builder().setDepth(20).setClasses(10).build()
        : CifarMobileNetV2.builder().setClasses(10).build();
  }
}
