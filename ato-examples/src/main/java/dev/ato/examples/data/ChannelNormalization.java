package dev.ato.examples.data;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A per-channel normalisation of pixels in [0, 1]: channel {@code c} maps {@code x} to {@code (x -
 * mean[c]) / std[c]}. Immutable; the arrays it returns are copies.
 */
public final class ChannelNormalization {

  /** ImageNet's RGB mean and standard deviation, the usual choice for photographs. */
  public static final ChannelNormalization IMAGENET =
      of(new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});

  private final float[] mean;
  private final float[] std;

  private ChannelNormalization(float[] mean, float[] std) {
    this.mean = mean;
    this.std = std;
  }

  /**
   * The normalisation with these means and standard deviations, one of each per channel.
   *
   * @throws IllegalArgumentException unless both have the same positive length, every mean is
   *     finite and every std positive and finite
   */
  public static ChannelNormalization of(float[] mean, float[] std) {
    checkArgument(
        mean != null && std != null && mean.length == std.length && mean.length > 0,
        "a normalisation needs one mean and one std per channel, got means %s and stds %s",
        mean == null ? null : Arrays.toString(mean),
        std == null ? null : Arrays.toString(std));
    for (int c = 0; c < mean.length; c++) {
      checkArgument(
          Float.isFinite(mean[c]) && Float.isFinite(std[c]) && std[c] > 0,
          "channel %s needs a finite mean and a positive finite std, got mean %s and std %s",
          c,
          mean[c],
          std[c]);
    }
    return new ChannelNormalization(mean.clone(), std.clone());
  }

  /** The normalisation that leaves pixels in [0, 1]: mean 0 and std 1 for each channel. */
  public static ChannelNormalization identity(int channels) {
    checkArgument(channels > 0, "channels must be positive, got %s", channels);
    float[] ones = new float[channels];
    Arrays.fill(ones, 1f);
    return new ChannelNormalization(new float[channels], ones);
  }

  /**
   * The mean and population standard deviation of each channel's pixels, from counts of their byte
   * values: {@code counts[c][b]} pixels of channel {@code c} have byte {@code b}, read as {@code b
   * / 255}. The sums are exact integers, so the statistics round once.
   *
   * @throws IllegalArgumentException if a channel has no pixels or a single colour (std 0)
   */
  static ChannelNormalization fromCounts(long[][] counts) {
    float[] mean = new float[counts.length];
    float[] std = new float[counts.length];
    for (int c = 0; c < counts.length; c++) {
      long n = 0;
      long sum = 0;
      long squares = 0;
      for (int b = 0; b < counts[c].length; b++) {
        n += counts[c][b];
        sum += counts[c][b] * b;
        squares += counts[c][b] * b * b;
      }
      checkArgument(n > 0, "channel %s has no pixels to compute a mean from", c);
      // The sums are exact (at most 2^31 pixels of 255^2 each fit a long); only the divisions
      // below round.
      double meanByte = (double) sum / n;
      double variance = Math.max(0, (double) squares / n - meanByte * meanByte);
      mean[c] = (float) (meanByte / 255);
      std[c] = (float) (Math.sqrt(variance) / 255);
      checkArgument(
          std[c] > 0,
          "every pixel of channel %s has byte value %s: a single colour "
              + "has no spread to normalise by; give optNormalization explicitly",
          c,
          Math.round(meanByte));
    }
    return new ChannelNormalization(mean, std);
  }

  /** The number of channels. */
  public int channels() {
    return mean.length;
  }

  /** The mean of each channel, in [0, 1] units. */
  public float[] mean() {
    return mean.clone();
  }

  /** The standard deviation of each channel, in [0, 1] units. */
  public float[] std() {
    return std.clone();
  }

  /** {@code (x - mean[channel]) / std[channel]}, computed in double and rounded once. */
  public float apply(int channel, double x) {
    return (float) ((x - mean[channel]) / std[channel]);
  }

  /**
   * The normalised value of a black pixel (0) in each channel: what zero padding of the original
   * image becomes after normalisation.
   */
  public float[] black() {
    float[] black = new float[mean.length];
    for (int c = 0; c < black.length; c++) {
      black[c] = apply(c, 0);
    }
    return black;
  }

  /**
   * The 256 values that the bytes of {@code channel} become: {@code table[b]} is {@code
   * apply(channel, b / 255.0)}.
   */
  float[] byteTable(int channel) {
    float[] table = new float[256];
    for (int b = 0; b < table.length; b++) {
      table[b] = apply(channel, b / 255.0);
    }
    return table;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ChannelNormalization that
        && Arrays.equals(mean, that.mean)
        && Arrays.equals(std, that.std);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
  }

  /** For logs: {@code mean [0.4914, 0.4822, 0.4465], std [0.2470, 0.2435, 0.2616]}. */
  @Override
  public String toString() {
    return "mean " + format(mean) + ", std " + format(std);
  }

  private static String format(float[] values) {
    return IntStream.range(0, values.length)
        .mapToObj(i -> String.format(Locale.ROOT, "%.4f", values[i]))
        .collect(Collectors.joining(", ", "[", "]"));
  }
}
