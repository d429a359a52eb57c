package dev.ato.storage;

import com.google.common.hash.Hashing;
import com.google.common.hash.HashingInputStream;
import com.google.common.io.ByteStreams;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SHA-256 manifest of the files in a directory, {@value #FILE_NAME}, in the format of {@code
 * sha256sum} ({@code HEX NAME} per line), so that {@code sha256sum -c checksums.sha256} checks a
 * saved directory too. ato writes one after the files it saves and checks it before it reads any of
 * them: one flipped byte anywhere is an error naming the file, never a model that loads and
 * predicts wrongly.
 */
public final class Checksums {

  /** The manifest's name in a directory. */
  public static final String FILE_NAME = "checksums.sha256";

  /** More than any manifest ato writes; a larger file is not one. */
  private static final long MAX_MANIFEST_BYTES = 64 * 1024;

  private static final Pattern LINE = Pattern.compile("([0-9a-f]{64})  ([A-Za-z0-9._+-]+)");

  private Checksums() {}

  /**
   * Writes the manifest of {@code files} (names in {@code directory}) into {@code directory}.
   *
   * @throws IOException when a file cannot be read or the manifest written
   */
  public static void write(Path directory, List<String> files) throws IOException {
    StringBuilder manifest = new StringBuilder();
    for (String file : files) {
      checkName(file);
      manifest.append(sha256(directory.resolve(file))).append("  ").append(file).append('\n');
    }
    Files.writeString(directory.resolve(FILE_NAME), manifest, StandardCharsets.US_ASCII);
  }

  /**
   * Checks every file the manifest of {@code directory} lists against it; returns the files it
   * lists, or empty when the directory has no manifest.
   *
   * @throws IllegalArgumentException naming the file when the manifest is damaged, a file it lists
   *     is missing, or a file does not match its checksum
   * @throws IOException when a file cannot be read
   */
  public static Optional<List<String>> verify(Path directory) throws IOException {
    Path manifest = directory.resolve(FILE_NAME);
    if (!Files.isRegularFile(manifest)) {
      return Optional.empty();
    }
    if (Files.size(manifest) > MAX_MANIFEST_BYTES) {
      throw new IllegalArgumentException(
          manifest
              + " is "
              + Files.size(manifest)
              + " bytes, not a checksum manifest: the directory is damaged; save it again");
    }
    Map<String, String> expected = new LinkedHashMap<>();
    List<String> lines = Files.readAllLines(manifest, StandardCharsets.ISO_8859_1);
    for (int i = 0; i < lines.size(); i++) {
      Matcher line = LINE.matcher(lines.get(i));
      if (!line.matches() || expected.put(line.group(2), line.group(1)) != null) {
        throw new IllegalArgumentException(
            manifest
                + " line "
                + (i + 1)
                + " is not \"SHA-256  "
                + "file name\" of a file listed once: the manifest is damaged; save the directory "
                + "again");
      }
    }
    if (expected.isEmpty()) {
      throw new IllegalArgumentException(
          manifest + " lists no file: the manifest is damaged; " + "save the directory again");
    }
    for (Map.Entry<String, String> entry : expected.entrySet()) {
      Path file = directory.resolve(entry.getKey());
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException(
            file
                + " is missing, though "
                + FILE_NAME
                + " lists it: the directory is incomplete; save it again");
      }
      if (!sha256(file).equals(entry.getValue())) {
        throw new IllegalArgumentException(
            file
                + " does not match its checksum in "
                + FILE_NAME
                + ": the file is damaged or was changed after it was saved; save it again");
      }
    }
    return Optional.of(new ArrayList<>(expected.keySet()));
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file);
        HashingInputStream hashing = new HashingInputStream(Hashing.sha256(), in)) {
      ByteStreams.exhaust(hashing);
      return hashing.hash().toString();
    }
  }

  private static void checkName(String file) {
    if (!LINE.matcher("0".repeat(64) + "  " + file).matches()) {
      throw new IllegalArgumentException(
          "'"
              + file
              + "' is not a plain file name a manifest can "
              + "list (letters, digits, '.', '_', '+' and '-')");
    }
  }
}
