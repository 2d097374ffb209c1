package io.onegate.deploy.cluster;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running one main class on this JVM's own classpath, its output appended to a log file. It is stopped
 * only through its handle: {@link #terminate} (SIGTERM), {@link #kill} (SIGKILL). Every child still alive when this
 * JVM exits is killed by a shutdown hook, and a child whose parent died by {@code kill -9} stops on its own
 * ({@code ParentWatch}), so a test or the local cluster never leaves processes behind.
 */
public final class JavaProcess {
  /** The JVM options Hazelcast asks for on JDK 17+ (same as the surefire argLine). */
  public static final List<String> HAZELCAST_OPTIONS = List.of("--add-modules", "java.se",
      "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
      "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens", "java.management/sun.management=ALL-UNNAMED",
      "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
      "-Dhazelcast.phone.home.enabled=false", "-Dhazelcast.logging.type=slf4j");
  private static final Set<JavaProcess> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(JavaProcess::killQuietly),
        "onegate-children-stop"));
  }

  private final String name;
  private final List<String> command;
  private final Map<String, String> env;
  private final Path log;
  private volatile Process process;
  private int starts;

  /**
   * @param jvmOptions options before the main class (heap, GC …)
   * @param env        environment added to this JVM's
   */
  public JavaProcess(String name, List<String> jvmOptions, String mainClass, List<String> args,
                     Map<String, String> env, Path log) {
    this.name = name;
    List<String> cmd = new ArrayList<>();
    cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    cmd.addAll(jvmOptions);
    cmd.add("-Donegate.parent.pid=" + ProcessHandle.current().pid()); // the child exits if this JVM dies
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass);
    cmd.addAll(args);
    this.command = List.copyOf(cmd);
    this.env = Map.copyOf(env);
    this.log = log;
  }

  /** Starts the process (again, after it ended); output goes to the log file. */
  public synchronized JavaProcess start() throws IOException {
    if (alive()) {
      throw new IllegalStateException(name + " is already running (pid " + process.pid() + ")");
    }
    Files.createDirectories(log.toAbsolutePath().getParent());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(env);
    Files.writeString(log, String.format("%n==== %s start %d ====%n", name, ++starts),
        java.nio.charset.StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    process = builder.start();
    LIVE.add(this);
    return this;
  }

  public String name() {
    return name;
  }

  public Path log() {
    return log;
  }

  public long pid() {
    return process.pid();
  }

  public boolean alive() {
    Process p = process;
    return p != null && p.isAlive();
  }

  /** SIGTERM: the process drains and exits on its own. */
  public void terminate() {
    Process p = process;
    if (p != null) {
      p.destroy();
    }
  }

  /** SIGKILL, and waits until the process is gone. */
  public void kill() {
    Process p = process;
    if (p != null) {
      p.destroyForcibly();
      awaitExit(Duration.ofSeconds(20));
    }
  }

  /** Waits for the process to end; its exit code, or empty if it still runs after {@code timeout}. */
  public Optional<Integer> awaitExit(Duration timeout) {
    Process p = process;
    if (p == null) {
      return Optional.empty();
    }
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        return Optional.empty();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
    LIVE.remove(this);
    return Optional.of(p.exitValue());
  }

  /** SIGTERM, then SIGKILL if it has not ended after {@code grace}. Returns the exit code. */
  public Optional<Integer> stop(Duration grace) {
    terminate();
    Optional<Integer> code = awaitExit(grace);
    if (code.isEmpty()) {
      kill();
      return awaitExit(Duration.ofSeconds(10));
    }
    return code;
  }

  private static void killQuietly(JavaProcess p) {
    Process process = p.process;
    if (process != null && process.isAlive()) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  @Override
  public String toString() {
    Process p = process;
    return name + (p == null ? "" : " (pid " + p.pid() + (p.isAlive() ? "" : ", exited") + ")");
  }
}
