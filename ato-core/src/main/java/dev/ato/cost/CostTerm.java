package dev.ato.cost;

/**
 * One summand of a cost: {@code coefficient * outputs * inputs}, where {@code outputs} and {@code
 * inputs} are the kept channel counts of the axes that follow the layer's output and input
 * channels. A convolution's multiply-accumulates are {@code (kH * kW * H_out * W_out) * C_out *
 * C_in} for one group, so every cost of the model is a sum of such bilinear terms; an engine can
 * evaluate them on soft masks to get a differentiable cost.
 *
 * @param layer the layer the term prices
 * @param parameter the parameter it counts, or whose multiply-accumulates it counts
 * @param coefficient the product of every factor that no mask changes
 * @param outputs kept count of the axis that follows output channels ({@code constant(1)} if none)
 * @param inputs kept count of the axis that follows input channels ({@code constant(1)} if none)
 */
public record CostTerm(
    String layer, String parameter, long coefficient, KeptCount outputs, KeptCount inputs) {

  /** The term's value with every group kept. */
  public long full() {
    return coefficient * outputs.full() * inputs.full();
  }

  /** The term's value under a keep vector. */
  public double evaluate(double[] keep) {
    return coefficient * outputs.evaluate(keep) * inputs.evaluate(keep);
  }

  /** Whether a mask can change the term. */
  public boolean dependsOnGroups() {
    return outputs.dependsOnGroups() || inputs.dependsOnGroups();
  }
}
