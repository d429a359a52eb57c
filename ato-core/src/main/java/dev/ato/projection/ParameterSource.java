package dev.ato.projection;

/**
 * Looks up a parameter tensor by layer and parameter name, as slices name them.
 *
 * @param <T> the engine's tensor type
 */
@FunctionalInterface
public interface ParameterSource<T> {

  /**
   * The tensor of {@code layer}'s parameter {@code parameter}.
   *
   * @throws IllegalArgumentException when there is no such parameter
   */
  T get(String layer, String parameter);
}
