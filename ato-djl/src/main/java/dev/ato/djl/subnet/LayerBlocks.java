package dev.ato.djl.subnet;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import dev.ato.djl.graph.BatchNormSettings;
import dev.ato.graph.Layer;
import dev.ato.graph.Node;
import java.util.Map;
import java.util.Optional;

/**
 * The DJL block of each kind of layer: a new one for the layers with parameters, the original
 * model's for an opaque layer, none for the rest, which DJL operations compute.
 */
final class LayerBlocks implements Layer.Visitor<Optional<Block>> {
  private final Node node;
  private final SubnetSpec spec;
  private final Map<String, Block> opaque;

  LayerBlocks(Node node, SubnetSpec spec, Map<String, Block> opaque) {
    this.node = node;
    this.spec = spec;
    this.opaque = opaque;
  }

  @Override
  public Optional<Block> visitConv2d(Layer.Conv2d conv) {
    return Optional.of(
        Conv2d.builder()
            .setFilters(conv.filters())
            .setKernelShape(new Shape(conv.kernelH(), conv.kernelW()))
            .optStride(new Shape(conv.strideH(), conv.strideW()))
            .optPadding(new Shape(conv.padH(), conv.padW()))
            .optDilation(new Shape(conv.dilationH(), conv.dilationW()))
            .optGroups(conv.groups())
            .optBias(conv.bias())
            .build());
  }

  @Override
  public Optional<Block> visitBatchNorm(Layer.BatchNorm norm) {
    BatchNormSettings settings = spec.batchNorms().get(node.name());
    if (settings == null) {
      throw new IllegalArgumentException(
          "batch norm '" + node.name() + "' has no settings in " + "the description");
    }
    return Optional.of(
        BatchNorm.builder()
            .optAxis(1)
            .optEpsilon(settings.epsilon())
            .optMomentum(settings.momentum())
            .optCenter(settings.center())
            .optScale(settings.scale())
            .build());
  }

  @Override
  public Optional<Block> visitLinear(Layer.Linear linear) {
    return Optional.of(Linear.builder().setUnits(linear.units()).optBias(linear.bias()).build());
  }

  @Override
  public Optional<Block> visitOpaque(Layer.Opaque layer) {
    Block block = opaque.get(node.name());
    if (block == null) {
      throw new IllegalArgumentException(
          "layer '"
              + node.name()
              + "' is an opaque block ("
              + layer.description()
              + "), which a description alone cannot rebuild");
    }
    return Optional.of(block);
  }

  @Override
  public Optional<Block> visitInput(Layer.Input layer) {
    return Optional.empty();
  }

  @Override
  public Optional<Block> visitActivation(Layer.Activation layer) {
    return Optional.empty();
  }

  @Override
  public Optional<Block> visitPool2d(Layer.Pool2d layer) {
    return Optional.empty();
  }

  @Override
  public Optional<Block> visitGlobalPool(Layer.GlobalPool layer) {
    return Optional.empty();
  }

  @Override
  public Optional<Block> visitFlatten(Layer.Flatten layer) {
    return Optional.empty();
  }

  @Override
  public Optional<Block> visitAdd(Layer.Add layer) {
    return Optional.empty();
  }

  @Override
  public Optional<Block> visitConcat(Layer.Concat layer) {
    return Optional.empty();
  }

  @Override
  public Optional<Block> visitIdentity(Layer.Identity layer) {
    return Optional.empty();
  }
}
