package dev.ato.djl.subnet;

import static com.google.common.base.Preconditions.checkState;

import dev.ato.graph.Layer;
import dev.ato.graph.Node;

/**
 * A layer of the dense graph with its channel counts cut to what a mask keeps, for the compressed
 * network's description. Layers with parameters declare their counts and are cut; the others derive
 * their shapes from their inputs and stay as they are.
 */
final class ResizedLayer implements Layer.Visitor<Layer> {

  private final Node node;
  private final int inputs;
  private final int outputs;

  private ResizedLayer(Node node, int inputs, int outputs) {
    this.node = node;
    this.inputs = inputs;
    this.outputs = outputs;
  }

  /**
   * The layer of {@code node} for {@code inputs} kept input channels (of its first input) and
   * {@code outputs} kept output channels.
   */
  static Layer of(Node node, int inputs, int outputs) {
    return node.layer().accept(new ResizedLayer(node, inputs, outputs));
  }

  @Override
  public Layer visitConv2d(Layer.Conv2d c) {
    // A depthwise convolution's groups are its channels, so they shrink with them.
    int groups = c.isDepthwise(node.input().channels()) ? inputs : c.groups();
    return new Layer.Conv2d(
        outputs,
        inputs,
        c.kernelH(),
        c.kernelW(),
        c.strideH(),
        c.strideW(),
        c.padH(),
        c.padW(),
        c.dilationH(),
        c.dilationW(),
        groups,
        c.bias());
  }

  @Override
  public Layer visitBatchNorm(Layer.BatchNorm norm) {
    return new Layer.BatchNorm(outputs, norm.scale(), norm.center());
  }

  @Override
  public Layer visitLinear(Layer.Linear linear) {
    return new Layer.Linear(outputs, inputs, linear.bias());
  }

  @Override
  public Layer visitInput(Layer.Input input) {
    return unchanged(input);
  }

  @Override
  public Layer visitOpaque(Layer.Opaque opaque) {
    return unchanged(opaque);
  }

  @Override
  public Layer visitActivation(Layer.Activation activation) {
    return activation;
  }

  @Override
  public Layer visitPool2d(Layer.Pool2d pool) {
    return pool;
  }

  @Override
  public Layer visitGlobalPool(Layer.GlobalPool pool) {
    return pool;
  }

  @Override
  public Layer visitFlatten(Layer.Flatten flatten) {
    return flatten;
  }

  @Override
  public Layer visitAdd(Layer.Add add) {
    return add;
  }

  @Override
  public Layer visitConcat(Layer.Concat concat) {
    return concat;
  }

  @Override
  public Layer visitIdentity(Layer.Identity identity) {
    return identity;
  }

  /**
   * The input's and an opaque layer's channels are never offered for pruning; their declared shape
   * stays only if the mask indeed kept them all.
   */
  private Layer unchanged(Layer layer) {
    checkState(
        outputs == node.output().channels(),
        "%s '%s' cannot lose channels, but the mask keeps %s of its %s",
        layer.kind(),
        node.name(),
        outputs,
        node.output().channels());
    return layer;
  }
}
