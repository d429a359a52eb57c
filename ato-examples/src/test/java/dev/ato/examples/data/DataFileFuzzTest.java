package dev.ato.examples.data;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Dataset;
import dev.ato.examples.testing.DataFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged IDX files (gzipped, as Debian ships Fashion-MNIST, and plain) and CIFAR-10 binary files,
 * read whole: a byte flipped, the file cut short, a header size set to zero, a negative number or
 * billions. Each is a clear error naming the file ({@link IOException} or {@link
 * IllegalArgumentException}), or, where the format cannot tell (a pixel or a label of a plain IDX
 * or CIFAR file changed to another valid value: neither format has a checksum), data that loads; a
 * gzipped file's CRC catches damage anywhere in it. Memory follows the bytes a file really holds,
 * never what a damaged header claims.
 */
@ExtendWith(ManagerPerTest.class)
class DataFileFuzzTest {

  private static final int IMAGES = 40;
  private static final long[] EXTREMES = {
    0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 1 << 30, 100_000
  };

  @TempDir Path temp;

  @Test
  void twoHundredDamagedDataFilesAreEachAClearErrorOrDataTheFormatCannotFault(NDManager manager)
      throws IOException {
    assertEveryCaseIsHandled(200, 1);
  }

  @Test
  @Tag("soak")
  void threeThousandDamagedDataFilesAreEachAClearErrorOrDataTheFormatCannotFault(NDManager manager)
      throws IOException {
    assertEveryCaseIsHandled(3000, 2);
  }

  /** What a case did, and whether the format could not have told. */
  private record Damage(String what, boolean undetectable) {}

  private void assertEveryCaseIsHandled(int cases, long seed) throws IOException {
    Path originals = temp.resolve("originals");
    DataFiles.idx(originals.resolve("gz"), "train", IMAGES, 10);
    DataFiles.idx(originals.resolve("plain"), "train", IMAGES, 10);
    for (String name : List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz")) {
      Path gz = originals.resolve("plain").resolve(name);
      Files.write(originals.resolve("plain").resolve(name.replace(".gz", "")), gunzip(gz));
      Files.delete(gz);
    }
    DataFiles.cifar10(originals.resolve("cifar"), 20, 10);
    SplittableRandom random = new SplittableRandom(seed);
    List<String> wrong = new ArrayList<>();
    int refused = 0;
    for (int i = 0; i < cases; i++) {
      String format = List.of("gz", "plain", "cifar").get(random.nextInt(3));
      Path copy = temp.resolve("case-" + i);
      copyDirectory(originals.resolve(format), copy);
      List<Path> files;
      try (var listing = Files.list(copy)) {
        files = listing.sorted().toList();
      }
      Path file = files.get(random.nextInt(files.size()));
      Damage damage = damage(file, format, random);
      try {
        read(format, copy);
        if (!damage.undetectable()) {
          wrong.add(damage.what() + ": read without a word");
        }
      } catch (IOException | IllegalArgumentException e) {
        refused++;
        if (e.getMessage() == null || !e.getMessage().contains(copy.toString())) {
          wrong.add(damage.what() + ": an error that does not name the file: " + e);
        }
      } catch (RuntimeException | OutOfMemoryError e) {
        wrong.add(damage.what() + ": " + e);
      }
    }
    assertThat(wrong).as("%s of %s refused", refused, cases).isEmpty();
    assertThat(refused).isGreaterThan(cases / 2);
  }

  private static void read(String format, Path directory) throws IOException {
    if (format.equals("cifar")) {
      for (Dataset.Usage usage : List.of(Dataset.Usage.TRAIN, Dataset.Usage.TEST)) {
        try (CifarBinary data =
            CifarBinary.builder()
                .setVariant(CifarBinary.Variant.CIFAR10)
                .setDirectory(directory)
                .setUsage(usage)
                .setSampling(4, false)
                .build()) {
          assertThat(data.size()).isPositive();
        }
      }
      return;
    }
    String suffix = format.equals("gz") ? ".gz" : "";
    try (IdxImageDataset data =
        IdxImageDataset.builder()
            .setImages(directory.resolve("train-images-idx3-ubyte" + suffix))
            .setLabels(directory.resolve("train-labels-idx1-ubyte" + suffix))
            .setSampling(4, false)
            .build()) {
      assertThat(data.size()).isEqualTo(IMAGES);
    }
  }

  /** Damages {@code file}; says whether the format could not have told the damage. */
  private static Damage damage(Path file, String format, SplittableRandom random)
      throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    String name = file.getFileName().toString();
    int header = format.equals("plain") ? (name.contains("images") ? 16 : 8) : 0;
    switch (random.nextInt(4)) {
      case 0 -> {
        int at = random.nextInt(bytes.length);
        int mask = 1 + random.nextInt(255);
        bytes[at] ^= (byte) mask;
        Files.write(file, bytes);
        // Plain IDX and CIFAR carry no checksum: a value past the header may change unseen. A
        // gzip header's time stamp, flags for the compressor and system (bytes 4 to 9) are not
        // the data.
        boolean unseen = format.equals("gz") ? at >= 4 && at <= 9 : at >= header;
        return new Damage("byte " + at + " of " + name + " xor " + mask, unseen);
      }
      case 1 -> {
        int size = random.nextInt(bytes.length);
        Files.write(file, Arrays.copyOf(bytes, size));
        // A CIFAR file cut at a record's end is a shorter, valid file.
        return new Damage(
            name + " cut to " + size + " bytes",
            format.equals("cifar") && size > 0 && size % (1 + 3072) == 0);
      }
      case 2 -> {
        if (format.equals("cifar")) {
          Files.write(file, Arrays.copyOf(bytes, bytes.length + 1 + random.nextInt(100)));
          return new Damage(name + " with bytes added", false);
        }
        byte[] plain = format.equals("gz") ? gunzip(file) : bytes;
        int dims = name.contains("images") ? 3 : 1;
        int field = random.nextInt(dims);
        long value = EXTREMES[random.nextInt(EXTREMES.length)];
        ByteBuffer.wrap(plain).putInt(4 + 4 * field, (int) value);
        write(file, plain, format.equals("gz"));
        return new Damage(name + " header size " + field + " = " + value, false);
      }
      default -> {
        Files.write(file, new byte[0]);
        return new Damage(name + " emptied", false);
      }
    }
  }

  private static byte[] gunzip(Path file) throws IOException {
    try (GZIPInputStream in =
        new GZIPInputStream(new ByteArrayInputStream(Files.readAllBytes(file)))) {
      return in.readAllBytes();
    }
  }

  private static void write(Path file, byte[] plain, boolean gzip) throws IOException {
    if (!gzip) {
      Files.write(file, plain);
      return;
    }
    try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(plain);
    }
  }

  private static void copyDirectory(Path from, Path to) {
    try {
      Files.createDirectories(to);
      try (var files = Files.list(from)) {
        for (Path file : files.toList()) {
          Files.copy(file, to.resolve(file.getFileName()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
