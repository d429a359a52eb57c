package dev.ato.djl.export;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import dev.ato.graph.ChannelShape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** ONNX protobuf values the graph writer builds from plain numbers: tensors, shapes, attributes. */
final class OnnxProtos {

  /** ONNX's element type of 32-bit floats. */
  static final int FLOAT = TensorProto.DataType.FLOAT.getNumber();

  /** ONNX's element type of 64-bit integers. */
  static final int INT64 = TensorProto.DataType.INT64.getNumber();

  private OnnxProtos() {}

  /** A tensor named {@code name} of element type {@code type}, its raw little-endian bytes. */
  static TensorProto tensor(String name, int type, ByteBuffer bytes, long... dims) {
    TensorProto.Builder tensor =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(type)
            .setRawData(ByteString.copyFrom(bytes));
    for (long dim : dims) {
      tensor.addDims(dim);
    }
    return tensor.build();
  }

  static ByteBuffer floats(float... values) {
    ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(values);
    return bytes;
  }

  static ByteBuffer longs(long... values) {
    ByteBuffer bytes = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asLongBuffer().put(values);
    return bytes;
  }

  /** A float tensor of the batch dimension and {@code shape}, as DJL lays it out. */
  static ValueInfoProto valueInfo(String name, ChannelShape shape, boolean isFlat) {
    TensorShapeProto.Builder dims =
        TensorShapeProto.newBuilder()
            .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(OnnxGraphWriter.BATCH));
    if (isFlat) {
      dims.addDim(dim(shape.channels() * (long) shape.spatialSize()));
    } else {
      dims.addDim(dim(shape.channels())).addDim(dim(shape.height())).addDim(dim(shape.width()));
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(FLOAT).setShape(dims)))
        .build();
  }

  static TensorShapeProto.Dimension dim(long value) {
    return TensorShapeProto.Dimension.newBuilder().setDimValue(value).build();
  }

  static AttributeProto ints(String name, long... values) {
    AttributeProto.Builder attribute =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long value : values) {
      attribute.addInts(value);
    }
    return attribute.build();
  }

  static AttributeProto integer(String name, long value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.INT)
        .setI(value)
        .build();
  }

  static AttributeProto real(String name, float value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.FLOAT)
        .setF(value)
        .build();
  }
}
