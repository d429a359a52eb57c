package dev.ato.examples.bench;

import ai.djl.nn.Block;
import dev.ato.examples.models.CifarMobileNetV2;
import dev.ato.examples.models.CifarResNet;
import java.util.Locale;

/**
 * The network every row of an {@code accuracy} run trains, with what the rows need to know of it:
 * how finely uniform scaling can narrow it, and how row names and the page name it. Both are
 * CIFAR-style networks for 28x28 images with 10 classes.
 */
sealed interface RowNetwork {

  /**
   * A fresh network at {@code steps} of {@link #widthSteps()}: the full network at all of them,
   * narrower in equal steps below.
   */
  Block build(int steps);

  /** How finely uniform scaling can narrow the network: the full network's width in steps. */
  int widthSteps();

  /** The uniform row's width at {@code steps}, as its description gives it. */
  String widthOf(int steps);

  /** The network in a row's name, without dashes (the page splits row names at dashes). */
  String tag();

  /** The network in a table's heading. */
  String describe();

  /** The full network. */
  default Block build() {
    return build(widthSteps());
  }

  /**
   * CIFAR ResNet of {@code depth}: its steps are the first stage's channels, 16 in the full one.
   */
  record ResNet(int depth) implements RowNetwork {
    private static final int WIDTH = 16;

    @Override
    public Block build(int steps) {
      return CifarResNet.builder().setDepth(depth).setClasses(10).optWidth(steps).build();
    }

    @Override
    public int widthSteps() {
      return WIDTH;
    }

    @Override
    public String widthOf(int steps) {
      return "first-stage width " + steps + " of " + WIDTH;
    }

    /** {@code resnet20} for depth 20. */
    @Override
    public String tag() {
      return "resnet" + depth;
    }

    @Override
    public String describe() {
      return String.format(Locale.ROOT, "CIFAR ResNet-%d (width %d)", depth, WIDTH);
    }
  }

  /**
   * CIFAR MobileNetV2 of width multiplier {@code width}: its steps are twentieths of that
   * multiplier.
   */
  record MobileNet(double width) implements RowNetwork {
    private static final int STEPS = 20;

    @Override
    public Block build(int steps) {
      return CifarMobileNetV2.builder().setClasses(10).optWidth(multiplier(steps)).build();
    }

    @Override
    public int widthSteps() {
      return STEPS;
    }

    @Override
    public String widthOf(int steps) {
      return String.format(Locale.ROOT, "width multiplier %.3f of %s", multiplier(steps), width);
    }

    /** {@code mobilenetv2w100} for width 1.0. */
    @Override
    public String tag() {
      return String.format(Locale.ROOT, "mobilenetv2w%.0f", 100 * width);
    }

    @Override
    public String describe() {
      return "CIFAR MobileNetV2 (width " + width + ")";
    }

    private double multiplier(int steps) {
      return width * steps / STEPS;
    }
  }
}
