/**
 * Auto-Train-Once on Deep Java Library models: {@code AutoTrainOnce.builder()} trains and prunes a
 * DJL model in one run, and the compressed network it hands back saves, loads through DJL's {@code
 * Criteria} and exports to ONNX.
 *
 * <p>The binding's internals are not exported: its engine access ({@code dev.ato.djl.engine}, where
 * every use of DJL's private state lives), its tensor operations and its controller network.
 */
module dev.ato.djl {
  requires transitive dev.ato.core;
  requires transitive ai.djl.api;
  requires ai.djl.pytorch_engine;
  requires com.google.gson;
  requires com.google.protobuf;
  requires org.slf4j;
  requires org.tribuo.util.onnx;

  exports dev.ato.djl;
  exports dev.ato.djl.cost;
  exports dev.ato.djl.data;
  exports dev.ato.djl.export;
  exports dev.ato.djl.graph;
  exports dev.ato.djl.groups;
  exports dev.ato.djl.subnet;

  // Checkpoints' and saved networks' JSON is read and written by Gson, reflectively.
  opens dev.ato.djl to
      com.google.gson;
  opens dev.ato.djl.engine to
      com.google.gson;
  opens dev.ato.djl.subnet to
      com.google.gson;
}
