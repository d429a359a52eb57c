/**
 * ato's engine-neutral core: the channel-flow graph of a network, its zero-invariant groups, the
 * FLOPs and parameter model, the projectors and the tensor operations an engine binding implements
 * for them, the controller's maths and schedule, the run's configuration, and the checkpoint
 * directory. No deep-learning engine here.
 */
module dev.ato.core {
  requires transitive com.google.common;
  requires com.google.gson;

  exports dev.ato.architectures;
  exports dev.ato.config;
  exports dev.ato.controller;
  exports dev.ato.cost;
  exports dev.ato.graph;
  exports dev.ato.groups;
  exports dev.ato.projection;
  exports dev.ato.schedule;
  exports dev.ato.storage;
  exports dev.ato.tensor;
}
