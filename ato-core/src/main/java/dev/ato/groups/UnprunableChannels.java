package dev.ato.groups;

/**
 * Coupled channels the search found but does not offer for pruning, and why.
 *
 * @param name {@code <first producing layer>:out[<channel>]}, as a group would be named
 * @param reason the first rule that excludes them
 * @param layer the layer where that rule applies (the add, the output, the activation...)
 */
public record UnprunableChannels(String name, UnprunableReason reason, String layer) {

  @Override
  public String toString() {
    return name + ": " + reason.explanation() + " (at '" + layer + "')";
  }
}
