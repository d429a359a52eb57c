package dev.ato.djl.export;

import static dev.ato.djl.testing.Outputs.maxAbsDifference;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnxruntime.OrtSession;
import dev.ato.djl.AtoVersion;
import dev.ato.djl.graph.ModelGraph;
import dev.ato.djl.graph.ModelReader;
import dev.ato.djl.graph.ReadOptions;
import dev.ato.djl.subnet.CompressedModel;
import dev.ato.djl.tensor.RandomArrays;
import dev.ato.djl.testing.ManagedTest;
import dev.ato.djl.testing.OnnxRuntimes;
import dev.ato.djl.testing.Outputs;
import dev.ato.djl.testing.PrunedModels;
import dev.ato.djl.testing.SavedModels;
import dev.ato.djl.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an exported file declares (opset, names, the dynamic batch, metadata), that DJL's own ONNX
 * Runtime engine serves it, and the errors of export.
 */
class OnnxExportTest extends ManagedTest {

  private static final Shape INPUT = new Shape(1, 3, 16, 16);

  @Test
  void aFileDeclaresOpset13IrVersion7NamedInputAndOutputAndADynamicBatch() throws Exception {
    CompressedModel compressed =
        PrunedModels.randomlyPruned(TestModels.concatCnn(5), INPUT, 1, manager);

    ModelProto model = ModelProto.parseFrom(OnnxExport.of(compressed).toByteArray());

    assertThat(model.getIrVersion()).isEqualTo(7);
    assertThat(model.getOpsetImportList())
        .singleElement()
        .satisfies(opset -> assertThat(opset.getVersion()).isEqualTo(13));
    assertThat(model.getGraph().getInputList())
        .singleElement()
        .satisfies(input -> assertThat(input.getName()).isEqualTo("input"));
    assertThat(model.getGraph().getOutputList())
        .singleElement()
        .satisfies(output -> assertThat(output.getName()).isEqualTo("output"));
    TensorShapeProto inputShape = model.getGraph().getInput(0).getType().getTensorType().getShape();
    assertThat(inputShape.getDim(0).getDimParam()).isEqualTo("batch");
    assertThat(inputShape.getDimList().subList(1, 4))
        .extracting(d -> d.getDimValue())
        .containsExactly(3L, 16L, 16L);
    assertThat(model.getProducerName()).isEqualTo("ato");
  }

  @Test
  void theMetadataCarriesTheVersionTheFlopsBeforeAndAfterAndTheReduction() {
    CompressedModel compressed =
        PrunedModels.randomlyPruned(TestModels.concatCnn(5), INPUT, 1, manager);
    long before = compressed.spec().originalFlops();
    long after = compressed.cost().flops();

    var metadata = OnnxExport.of(compressed).metadata();

    assertThat(metadata)
        .containsEntry(OnnxExport.ATO_VERSION, AtoVersion.current())
        .containsEntry(OnnxExport.FORM, "trainable")
        .containsEntry(OnnxExport.FLOPS_BEFORE, Long.toString(before))
        .containsEntry(OnnxExport.FLOPS_AFTER, Long.toString(after))
        .containsEntry(OnnxExport.PARAMETERS, Long.toString(compressed.cost().parameters()));
    assertThat(Double.parseDouble(metadata.get(OnnxExport.FLOPS_REDUCTION)))
        .isCloseTo(1 - (double) after / before, within(1e-6));
    assertThat(after).isLessThan(before);
  }

  @Test
  void theInferenceFormSaysSoAndADenseModelRemovesNothing() {
    Shape input = new Shape(2, 3, 16, 16);
    ModelGraph model =
        ModelReader.read(
            TestModels.initialise(TestModels.concatCnn(5), manager, input), input, "dense");
    CompressedModel compressed =
        PrunedModels.randomlyPruned(TestModels.concatCnn(5), INPUT, 2, manager);

    try (CompressedModel inference = compressed.forInference()) {
      assertThat(OnnxExport.of(inference).metadata()).containsEntry(OnnxExport.FORM, "inference");
    }
    assertThat(OnnxExport.of(model).metadata())
        .containsEntry(OnnxExport.FORM, "dense")
        .containsEntry(OnnxExport.FLOPS_REDUCTION, "0.000000");
  }

  @Test
  void aSavedFileLoadsThroughDjlsOnnxRuntimeEngineWithCriteria(@TempDir Path directory)
      throws Exception {
    CompressedModel compressed =
        PrunedModels.randomlyPruned(TestModels.concatCnn(5), INPUT, 3, manager);
    Path file = directory.resolve("model.onnx");
    NDArray x = RandomArrays.gaussian(manager, new Shape(4, 3, 16, 16), 1, new SplittableRandom(3));
    float[] expected = Outputs.run(compressed.block(), x, manager);
    try (CompressedModel inference = compressed.forInference()) {
      OnnxExport.of(inference).save(file);
    }
    Criteria<NDList, NDList> criteria = SavedModels.criteria(file, "OnnxRuntime");

    try (ZooModel<NDList, NDList> model = criteria.loadModel();
        Predictor<NDList, NDList> predictor = model.newPredictor();
        NDManager onnx = model.getNDManager().newSubManager()) {
      NDArray input = onnx.create(x.toFloatArray(), x.getShape());
      float[] served = predictor.predict(new NDList(input)).singletonOrThrow().toFloatArray();

      assertThat(maxAbsDifference(served, expected)).isLessThanOrEqualTo(1e-4f);
    }
  }

  @Test
  void savingReplacesAnEarlierFileAndLeavesNothingElse(@TempDir Path directory) throws Exception {
    CompressedModel compressed =
        PrunedModels.randomlyPruned(TestModels.concatCnn(5), INPUT, 4, manager);
    Path file = directory.resolve("model.onnx");
    Files.writeString(file, "an earlier file");

    OnnxExport.of(compressed).save(file);

    try (Stream<Path> files = Files.list(directory)) {
      assertThat(files).containsExactly(file);
    }
    try (OrtSession session = OnnxRuntimes.session(Files.readAllBytes(file))) {
      assertThat(session.getMetadata().getCustomMetadata())
          .containsEntry(OnnxExport.ATO_VERSION, AtoVersion.current());
    }
  }

  @Test
  void anOpaqueBlockIsAnErrorNamingTheLayerAndItsPath() {
    Shape input = new Shape(2, 3, 8, 8);
    ModelGraph model =
        ModelReader.read(
            TestModels.initialise(TestModels.customBlockCnn(4), manager, input),
            input,
            "custom",
            ReadOptions.opaqueUnknownBlocks());

    assertThatThrownBy(() -> OnnxExport.of(model))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "cannot export layer '04ChannelScale' (opaque) to ONNX: it is a "
                + "block ato reads as opaque (dev.ato.djl.testing.ChannelScale)");
  }

  @Test
  void aBlockTheReaderCannotReadIsTheReadersErrorNamingIt() {
    assertThatThrownBy(
            () ->
                OnnxExport.of(
                    TestModels.initialise(
                        TestModels.customBlockCnn(4), manager, new Shape(2, 3, 8, 8)),
                    new Shape(1, 3, 8, 8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("04ChannelScale");
  }
}
