package dev.ato.spark;

import static com.google.common.base.Preconditions.checkArgument;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.StructType;

/**
 * How a row's input column becomes the network's input: a tensor taken as it is, an encoded image
 * file, or the struct of Spark's image source. Chosen on the driver from the schema, so that a
 * column of another type is an error before any task starts.
 */
abstract class InputColumn implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The fields of Spark's image source's struct ({@code ImageSchema.columnSchema}). */
  private static final List<String> SPARK_IMAGE_FIELDS =
      List.of("origin", "height", "width", "nChannels", "mode", "data");

  final int index;
  final String name;

  private InputColumn(int index, String name) {
    this.index = index;
    this.name = name;
  }

  /**
   * The reader of column {@code name} of {@code schema}.
   *
   * @throws IllegalArgumentException when there is no such column, or its type is none the scorer
   *     reads
   */
  static InputColumn of(StructType schema, String name) {
    List<String> names = Arrays.asList(schema.fieldNames());
    checkArgument(
        names.contains(name),
        "the input column '%s' is not in the data set, whose columns are %s",
        name,
        names);
    int index = schema.fieldIndex(name);
    DataType type = schema.fields()[index].dataType();
    if (type instanceof ArrayType array
        && (array.elementType() instanceof FloatType
            || array.elementType() instanceof DoubleType)) {
      return new Tensor(index, name);
    }
    if (type instanceof BinaryType) {
      return new EncodedImage(index, name);
    }
    if (type instanceof StructType struct
        && Arrays.asList(struct.fieldNames()).containsAll(SPARK_IMAGE_FIELDS)) {
      return new SparkImage(index, name);
    }
    throw new IllegalArgumentException(
        String.format(
            Locale.ROOT,
            "the input column '%s' is %s; the scorer reads array<float> or array<double> (the"
                + " network's input as it takes it), binary (an encoded image file) or the struct"
                + " of Spark's image source",
            name,
            type.simpleString()));
  }

  /**
   * The network's input for {@code row}, flattened (channels, then rows, then columns).
   *
   * @throws BadRow when the row's value cannot be that input
   */
  final float[] read(Row row, ModelInput input) throws BadRow {
    if (row.isNullAt(index)) {
      throw new BadRow("its input column '" + name + "' is null");
    }
    return readPresent(row, input);
  }

  abstract float[] readPresent(Row row, ModelInput input) throws BadRow;

  /** {@code array<float>} or {@code array<double>}: the input as the network takes it. */
  private static final class Tensor extends InputColumn {
    private static final long serialVersionUID = 1L;

    Tensor(int index, String name) {
      super(index, name);
    }

    @Override
    float[] readPresent(Row row, ModelInput input) throws BadRow {
      List<Object> values = row.getList(index);
      if (values.size() != input.size()) {
        throw new BadRow(
            String.format(
                Locale.ROOT,
                "its input column '%s' has %d values; the network takes %s = %d",
                name,
                values.size(),
                input.shapeText(),
                input.size()));
      }
      float[] flat = new float[values.size()];
      for (int i = 0; i < flat.length; i++) {
        Object value = values.get(i);
        if (value == null) {
          throw new BadRow(
              String.format(Locale.ROOT, "value %d of its input column '%s' is null", i, name));
        }
        flat[i] = ((Number) value).floatValue();
      }
      return flat;
    }
  }

  /** {@code binary}: an image file's bytes, decoded with {@link ImageIO}. */
  private static final class EncodedImage extends InputColumn {
    private static final long serialVersionUID = 1L;

    EncodedImage(int index, String name) {
      super(index, name);
    }

    @Override
    float[] readPresent(Row row, ModelInput input) throws BadRow {
      byte[] bytes = (byte[]) row.get(index);
      BufferedImage image;
      try {
        image = ImageIO.read(new ByteArrayInputStream(bytes));
      } catch (IOException | RuntimeException e) {
        throw new BadRow(
            String.format(
                Locale.ROOT,
                "its input column '%s' (%d bytes) does not decode as an image: %s",
                name,
                bytes.length,
                e.getMessage()));
      }
      if (image == null) {
        throw new BadRow(
            String.format(
                Locale.ROOT,
                "its input column '%s' (%d bytes) is no image format Java reads (PNG, JPEG, BMP,"
                    + " GIF)",
                name,
                bytes.length));
      }
      input.requireImageSize(name, image.getHeight(), image.getWidth());
      int channels = input.channels();
      if (channels != 1 && channels != 3) {
        throw new BadRow("the network takes " + channels + " channels; images give 1 or 3");
      }
      int height = image.getHeight();
      int width = image.getWidth();
      float[] pixels = new float[channels * height * width];
      // One band of grey levels; a palette image (GIF, palette PNG) has one band of indices.
      boolean grey =
          image.getRaster().getNumBands() == 1
              && !(image.getColorModel() instanceof IndexColorModel)
              && image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY;
      int bits = image.getColorModel().getComponentSize(0);
      float max = (1 << bits) - 1;
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          int at = y * width + x;
          if (channels == 1 && grey) {
            pixels[at] = image.getRaster().getSample(x, y, 0) / max;
            continue;
          }
          int rgb = image.getRGB(x, y);
          float red = ((rgb >> 16) & 0xff) / 255f;
          float green = ((rgb >> 8) & 0xff) / 255f;
          float blue = (rgb & 0xff) / 255f;
          if (channels == 1) {
            // ITU-R 601 luma, as Java's own grey conversion and Pillow's "L" mode weigh it.
            pixels[at] = 0.299f * red + 0.587f * green + 0.114f * blue;
          } else {
            pixels[at] = red;
            pixels[height * width + at] = green;
            pixels[2 * height * width + at] = blue;
          }
        }
      }
      input.normalize(pixels);
      return pixels;
    }
  }

  /**
   * The struct of Spark's image source: 8-bit pixels, rows of {@code width * nChannels} bytes, the
   * channels in OpenCV's order (blue, green, red, alpha).
   */
  private static final class SparkImage extends InputColumn {
    private static final long serialVersionUID = 1L;

    SparkImage(int index, String name) {
      super(index, name);
    }

    @Override
    float[] readPresent(Row row, ModelInput input) throws BadRow {
      Row image = row.getStruct(index);
      int height = image.getInt(image.fieldIndex("height"));
      int width = image.getInt(image.fieldIndex("width"));
      int stored = image.getInt(image.fieldIndex("nChannels"));
      byte[] data = (byte[]) image.get(image.fieldIndex("data"));
      input.requireImageSize(name, height, width);
      int channels = input.channels();
      boolean fits =
          (channels == 1 && stored == 1) || (channels == 3 && (stored == 3 || stored == 4));
      if (!fits) {
        throw new BadRow(
            String.format(
                Locale.ROOT,
                "its image in '%s' has %d channels; the network takes %d",
                name,
                stored,
                channels));
      }
      if (data == null || data.length != height * width * stored) {
        throw new BadRow(
            String.format(
                Locale.ROOT,
                "its image in '%s' holds %s bytes; %dx%d pixels of %d channels need %d",
                name,
                data == null ? "no" : String.valueOf(data.length),
                height,
                width,
                stored,
                height * width * stored));
      }
      float[] pixels = new float[channels * height * width];
      for (int at = 0; at < height * width; at++) {
        for (int c = 0; c < channels; c++) {
          // Blue, green, red in the struct; red, green, blue in the network.
          int source = channels == 1 ? 0 : 2 - c;
          pixels[c * height * width + at] = (data[at * stored + source] & 0xff) / 255f;
        }
      }
      input.normalize(pixels);
      return pixels;
    }
  }
}
