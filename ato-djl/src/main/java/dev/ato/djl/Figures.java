package dev.ato.djl;

import java.util.Locale;

/** How the run's log lines write a figure: four decimals, whatever the locale. */
final class Figures {

  private Figures() {}

  static String fourPlaces(double value) {
    return String.format(Locale.ROOT, "%.4f", value);
  }
}
