package dev.ato.config;

/**
 * Where a run's mask comes from. ATO's is the controller; the other source is the same run without
 * it, for comparing against: the projection, the schedule and the budget stay, only the choice of
 * groups changes.
 */
public enum MaskSource {
  /**
   * The controller network chooses the groups during its window and the mask freezes when the
   * window ends (the paper's method; the default).
   */
  CONTROLLER,
  /**
   * No controller is trained. When projection starts (the warm-up's end) the groups whose weights
   * have the smallest root mean square, relative to the mean of their layer's groups, are pruned,
   * smallest first, until the FLOPs budget is reached, each layer keeping a channel; the mask is
   * frozen there and the projection drives those groups to zero for the rest of the run, as
   * Only-Train-Once's magnitude-chosen redundant groups are. The controller's share of the training
   * data is still held out, so that both sources train the model on the same records.
   */
  MAGNITUDE
}
