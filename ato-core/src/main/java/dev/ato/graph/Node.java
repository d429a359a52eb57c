package dev.ato.graph;

import com.google.common.collect.ImmutableList;
import java.util.Optional;

/**
 * One layer of a {@link ChannelGraph}: its name, what it computes, which layers it reads, the shape
 * it gives and its parameters.
 *
 * @param name unique within the graph, hierarchical by convention ({@code stage1.unit0.conv1})
 * @param layer what the node computes
 * @param inputs names of the nodes it reads, in order
 * @param input shape of its (first) input; for an input layer, its own shape
 * @param output shape of its output
 * @param parameters its parameters, in the order the layer declares them
 */
public record Node(
    String name,
    Layer layer,
    ImmutableList<String> inputs,
    ChannelShape input,
    ChannelShape output,
    ImmutableList<Parameter> parameters) {

  /** The parameter called {@code parameterName}, if the layer has one. */
  public Optional<Parameter> parameter(String parameterName) {
    return parameters.stream().filter(p -> p.name().equals(parameterName)).findFirst();
  }

  @Override
  public String toString() {
    return layer.kind() + " '" + name + "' " + output;
  }
}
