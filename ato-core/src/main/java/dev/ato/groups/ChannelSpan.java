package dev.ato.groups;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Output channels {@code start .. start + length - 1} of one layer. A group lists the spans it
 * makes zero: when the group's parameters are zero, these outputs are zero for every input.
 *
 * @param layer the layer whose output is meant
 * @param start first channel (or feature, for a flat output)
 * @param length number of channels, at least 1
 */
public record ChannelSpan(String layer, int start, int length) {

  public ChannelSpan {
    checkArgument(start >= 0, "start must not be negative, found %s", start);
    checkArgument(length >= 1, "a span holds at least one channel, found %s", length);
  }

  @Override
  public String toString() {
    return layer + "[" + start + (length == 1 ? "" : ".." + (start + length - 1)) + "]";
  }
}
