package dev.ato.examples.bench;

import ai.djl.engine.Engine;
import dev.ato.djl.engine.EngineCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** What a benchmark ran on, read off the machine and the engine when it ran. */
final class Machine {
  private static final String UNSET_ISA = "oneDNN's choice";

  private Machine() {}

  /** CPU, cores, memory, OS, Java, engine, oneDNN ISA and libtorch threads. */
  static Map<String, String> describe() {
    Map<String, String> machine = new LinkedHashMap<>();
    machine.put("cpu", procField("/proc/cpuinfo", "model name").orElse("unknown"));
    machine.put("cores", String.valueOf(Runtime.getRuntime().availableProcessors()));
    machine.put(
        "memory", procField("/proc/meminfo", "MemTotal").map(Machine::gibibytes).orElse("unknown"));
    machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    machine.put(
        "java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    Engine engine = Engine.getInstance();
    machine.put(
        "engine",
        engine.getEngineName()
            + " "
            + engine.getVersion()
            + " (DJL "
            + Engine.getDjlVersion()
            + ")");
    String isa = System.getenv(EngineCheck.ISA_VARIABLE);
    machine.put("onednn_isa", isa == null ? UNSET_ISA : isa);
    machine.put(
        "threads",
        System.getProperty(Benchmarks.THREADS_PROPERTY, "libtorch's default")
            + " intra-op, "
            + System.getProperty(Benchmarks.INTEROP_PROPERTY, "default")
            + " inter-op");
    return machine;
  }

  /**
   * The oneDNN instruction set a stored machine ran at: with none set, oneDNN takes the widest the
   * processor has, as with ALL, so both read as ALL.
   */
  static String instructionSet(Map<String, String> machine) {
    String isa = machine.get("onednn_isa");
    return UNSET_ISA.equals(isa) ? "ALL" : isa;
  }

  private static Optional<String> procField(String file, String field) {
    try {
      return Files.readAllLines(Path.of(file)).stream()
          .filter(line -> line.startsWith(field))
          .map(line -> line.substring(line.indexOf(':') + 1).strip())
          .findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static String gibibytes(String meminfo) {
    long kib = Long.parseLong(meminfo.replaceAll("[^0-9]", ""));
    return String.format(Locale.ROOT, "%.1f GiB", kib / 1024.0 / 1024.0);
  }
}
