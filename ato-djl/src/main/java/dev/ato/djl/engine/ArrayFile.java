package dev.ato.djl.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;

/**
 * Named arrays in one file of a checkpoint: a magic header, the count, each name with DJL's own
 * encoding of its array, and a CRC-32 of everything before it. The checksum turns a truncated or
 * damaged file into a clear error instead of arrays that load and hold the wrong values.
 */
final class ArrayFile {

  private static final byte[] MAGIC = "ato-arrays/1\n".getBytes(StandardCharsets.US_ASCII);

  private ArrayFile() {}

  /** Writes {@code arrays} to {@code file}, their names in order. */
  static void write(Path file, Map<String, NDArray> arrays) throws IOException {
    CRC32 crc = new CRC32();
    try (OutputStream raw = Files.newOutputStream(file);
        CheckedOutputStream checked = new CheckedOutputStream(new BufferedOutputStream(raw), crc);
        DataOutputStream out = new DataOutputStream(checked)) {
      out.write(MAGIC);
      out.writeInt(arrays.size());
      for (Map.Entry<String, NDArray> entry : arrays.entrySet()) {
        byte[] encoded = entry.getValue().encode();
        out.writeUTF(entry.getKey());
        out.writeInt(encoded.length);
        out.write(encoded);
      }
      out.flush();
      // The checksum covers what came before it, so it is written past the checked stream.
      new DataOutputStream(raw).writeLong(crc.getValue());
    }
  }

  /**
   * Reads the arrays of {@code file} into {@code manager}, by name.
   *
   * @throws IOException when the file is not one of these, is truncated or fails its checksum
   */
  static Map<String, NDArray> read(Path file, NDManager manager) throws IOException {
    byte[] all = Files.readAllBytes(file);
    if (all.length < MAGIC.length + Long.BYTES
        || !Arrays.equals(Arrays.copyOf(all, MAGIC.length), MAGIC)) {
      throw new IOException(file + " is not an ato array file");
    }
    int body = all.length - Long.BYTES;
    CRC32 crc = new CRC32();
    crc.update(all, 0, body);
    long stored = new DataInputStream(new ByteArrayInputStream(all, body, Long.BYTES)).readLong();
    if (stored != crc.getValue()) {
      throw new IOException(file + " is damaged or truncated: its checksum does not match");
    }
    Map<String, NDArray> arrays = new LinkedHashMap<>();
    try (DataInputStream data =
        new DataInputStream(new ByteArrayInputStream(all, MAGIC.length, body - MAGIC.length))) {
      int count = data.readInt();
      for (int i = 0; i < count; i++) {
        String name = data.readUTF();
        byte[] encoded = new byte[data.readInt()];
        data.readFully(encoded);
        arrays.put(name, manager.decode(encoded));
      }
    } catch (EOFException e) {
      throw new IOException(file + " ends before its last array", e);
    }
    return arrays;
  }
}
