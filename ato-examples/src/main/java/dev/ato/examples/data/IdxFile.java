package dev.ato.examples.data;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * One open IDX file of unsigned bytes, its header read: {@code magic, count, dims...} as big-endian
 * ints, then the values. Gzip is recognised by its magic bytes, not by the name, so a decompressed
 * copy named {@code .gz} (or a compressed one without) still reads.
 */
final class IdxFile implements Closeable {

  /** Unsigned bytes in three dimensions: count, rows, columns. */
  static final int IMAGES_MAGIC = 0x00000803;

  /** Unsigned bytes in one dimension: count. */
  static final int LABELS_MAGIC = 0x00000801;

  private static final int BUFFER = 1 << 16;

  /** What is read before the buffer grows: a few thousand images. */
  private static final int FIRST_READ = 1 << 22;

  private final Path path;
  private final String role;
  private final DataInputStream in;
  private final int[] dims;

  private IdxFile(Path path, String role, DataInputStream in, int[] dims) {
    this.path = path;
    this.role = role;
    this.in = in;
    this.dims = dims;
  }

  /**
   * Opens {@code path} and reads its header.
   *
   * @param role what the file should hold ("images", "labels"), for messages
   * @param missingHint appended to the message when the file does not exist (may be empty)
   */
  static IdxFile open(Path path, String role, int expectedMagic, String missingHint)
      throws IOException {
    if (!Files.exists(path)) {
      throw new FileNotFoundException(role + " file " + path + " does not exist" + missingHint);
    }
    InputStream raw = null;
    try {
      raw = new BufferedInputStream(Files.newInputStream(path), BUFFER);
      raw.mark(2);
      boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
      raw.reset();
      InputStream body = raw;
      if (gzip) {
        try {
          body = new BufferedInputStream(new GZIPInputStream(raw, BUFFER), BUFFER);
        } catch (EOFException e) {
          throw new EOFException(
              role + " file " + path + " ends inside its gzip header: it is " + "truncated");
        }
      }
      DataInputStream in = new DataInputStream(body);
      int magic = headerInt(in, path, role);
      checkArgument(
          magic == expectedMagic,
          "%s file %s has magic number %s (%s), expected %s (%s)%s",
          role,
          path,
          hex(magic),
          describe(magic),
          hex(expectedMagic),
          describe(expectedMagic),
          magic == IMAGES_MAGIC || magic == LABELS_MAGIC
              ? ": are the images and labels files swapped?"
              : "");
      int[] dims = new int[magic & 0xff];
      for (int i = 0; i < dims.length; i++) {
        dims[i] = headerInt(in, path, role);
      }
      checkArgument(
          Arrays.stream(dims).allMatch(d -> d > 0),
          "%s file %s has a header with sizes %s: every size must be positive",
          role,
          path,
          Arrays.toString(dims));
      return new IdxFile(path, role, in, dims);
    } catch (EOFException | RuntimeException e) {
      closeAfter(raw, e);
      throw e;
    } catch (IOException e) {
      IOException wrapped = cannotRead(role, path, e);
      closeAfter(raw, wrapped);
      throw wrapped;
    }
  }

  /** The number of records (images or labels) the header announces. */
  int count() {
    return dims[0];
  }

  /** The size of each record after the count: {@code [rows, cols]} for images. */
  int[] recordShape() {
    return Arrays.copyOfRange(dims, 1, dims.length);
  }

  /**
   * Reads the first {@code records} records as they are stored, one unsigned byte per value. The
   * caller checks first that they fit (see {@link InMemoryImageDataset}). Memory grows with what
   * the file holds, not with what its header claims: a damaged header announcing billions of
   * records costs no more than the bytes really there before the file ends. When every record is
   * read, the file must end there; a gzip file is then read to its end, where its CRC is checked,
   * so that damage inside it is an error rather than wrong pixels.
   */
  byte[] readBytes(int records) throws IOException {
    int perRecord = Arrays.stream(recordShape()).reduce(1, Math::multiplyExact);
    int wanted = Math.multiplyExact(records, perRecord);
    byte[] values = new byte[Math.min(wanted, FIRST_READ)];
    int done = 0;
    try {
      while (done < wanted) {
        if (done == values.length) {
          values = Arrays.copyOf(values, (int) Math.min(wanted, 2L * values.length));
        }
        int read = in.readNBytes(values, done, values.length - done);
        done += read;
        if (read == 0) {
          break;
        }
      }
      if (done == wanted && records == count() && in.read() != -1) {
        throw new IOException(
            "it goes on after its last record: it is damaged or not the "
                + "file its header describes");
      }
    } catch (EOFException e) {
      // A gzip stream cut short says so without naming the file.
      throw new EOFException(
          String.format(
              "%s file %s ends early (%s): the file is truncated", role, path, e.getMessage()));
    } catch (IOException e) {
      throw cannotRead(role, path, e);
    }
    if (done < wanted) {
      throw new EOFException(
          String.format(
              "%s file %s ends after %s of %s %s: the file is truncated",
              role, path, done / perRecord, count(), role));
    }
    return values;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  private static int headerInt(DataInputStream in, Path path, String role) throws IOException {
    try {
      return in.readInt();
    } catch (EOFException e) {
      throw new EOFException(
          role + " file " + path + " ends inside its IDX header: it is empty or not an IDX file");
    }
  }

  /** Names the file, which the underlying message (a zlib error, say) does not. */
  private static IOException cannotRead(String role, Path path, IOException cause) {
    return new IOException(
        "cannot read " + role + " file " + path + ": " + cause.getMessage(), cause);
  }

  private static void closeAfter(InputStream raw, Exception failure) {
    if (raw == null) {
      return;
    }
    try {
      raw.close();
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }

  private static String hex(int magic) {
    return String.format("0x%08x", magic);
  }

  private static String describe(int magic) {
    if (magic == IMAGES_MAGIC) {
      return "IDX images";
    }
    if (magic == LABELS_MAGIC) {
      return "IDX labels";
    }
    return "not IDX unsigned bytes";
  }
}
