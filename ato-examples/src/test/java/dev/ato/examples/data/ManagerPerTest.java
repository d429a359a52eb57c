package dev.ato.examples.data;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives each test method that asks for an {@link NDManager} parameter a new base manager and closes
 * it when the test ends, so that arrays read from a data set never outlive their test.
 */
final class ManagerPerTest implements ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(ManagerPerTest.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == NDManager.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    NDManager manager = NDManager.newBaseManager();
    context
        .getStore(NAMESPACE)
        .put(manager, (ExtensionContext.Store.CloseableResource) manager::close);
    return manager;
  }
}
