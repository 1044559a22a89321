package io.switchboard.systemtest;

import io.switchboard.systemtest.netns.ComposeFile;
import io.switchboard.systemtest.netns.Replica;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The history store failing under the history service for {@link #LENGTH}: the kind of store
 * docker-compose.yml configures decides how. With a {@code postgres} service, PostgreSQL goes
 * away (its address stops answering, as a crashed database host does); with the embedded store,
 * its disk fills up.
 */
sealed interface StoreOutage extends AutoCloseable {

  Duration LENGTH = Duration.ofSeconds(8);

  String name();

  String target();

  /** Settings the services need before the bed starts for this outage to be possible. */
  Map<String, String> overrides();

  void begin(ChaosRun run) throws Exception;

  void end() throws Exception;

  /** Undoes whatever was set up before the bed started. */
  @Override
  void close() throws Exception;

  /** The outage that fits the compose file's history store. */
  static StoreOutage forComposeFile(Path composeFile, Path scratch) throws IOException, InterruptedException {
    ComposeFile compose = ComposeFile.read(composeFile, ComposeBed.VARIABLES);
    boolean postgres = compose.services().stream().anyMatch(s -> s.image() != null && s.image().startsWith("postgres"));
    return postgres ? new PostgresDown(compose.services().stream()
        .filter(s -> s.image() != null && s.image().startsWith("postgres")).findFirst().orElseThrow().name())
        : DiskFull.mount(scratch);
  }

  /**
   * PostgreSQL's address drops every packet on its port (iptables in the root namespace, where
   * the bed's stand-in listens): queries in flight and new connections hang until it comes back.
   */
  final class PostgresDown implements StoreOutage {
    private final String service;
    private String address;

    PostgresDown(String service) {
      this.service = service;
    }

    @Override
    public String name() {
      return "postgres-down";
    }

    @Override
    public String target() {
      return service + " (" + LENGTH.toSeconds() + " s unreachable)";
    }

    @Override
    public Map<String, String> overrides() {
      return Map.of();
    }

    @Override
    public void begin(ChaosRun run) throws Exception {
      Replica r = run.compose().bed().topology().replicasOf(service).get(0);
      address = r.address();
      iptables("-I", address);
    }

    @Override
    public void end() throws Exception {
      if (address != null) {
        iptables("-D", address);
        address = null;
      }
    }

    @Override
    public void close() throws Exception {
      end();
    }

    private static void iptables(String op, String address) throws IOException, InterruptedException {
      Shell.run(List.of("iptables", op, "INPUT", "-d", address, "-p", "tcp", "--dport", "5432", "-j", "DROP"));
    }
  }

  /**
   * The embedded store's file on a small tmpfs of its own; the outage fills the tmpfs to the
   * last byte, so every commit fails with "disk full", then frees it.
   */
  final class DiskFull implements StoreOutage {
    private static final String SIZE = "64m";
    private final Path dir;
    private final Path filler;

    private DiskFull(Path dir) {
      this.dir = dir;
      this.filler = dir.resolve("filler");
    }

    static DiskFull mount(Path dir) throws IOException, InterruptedException {
      Files.createDirectories(dir);
      Shell.run(List.of("mount", "-t", "tmpfs", "-o", "size=" + SIZE, "chaos-store", dir.toString()));
      return new DiskFull(dir);
    }

    @Override
    public String name() {
      return "disk-full";
    }

    @Override
    public String target() {
      return "history's embedded store (" + LENGTH.toSeconds() + " s full)";
    }

    @Override
    public Map<String, String> overrides() {
      return Map.of("SWITCHBOARD_HISTORY_SQLITE_PATH", dir.resolve("history.db").toString());
    }

    @Override
    public void begin(ChaosRun run) throws IOException {
      byte[] block = new byte[1 << 20];
      try (OutputStream out = Files.newOutputStream(filler)) {
        for (int i = 0; i < 1024; i++) { // bounded: the tmpfs holds far less than 1 GiB
          out.write(block);
        }
      } catch (IOException full) {
        return; // no space left: the outage has begun
      }
      throw new IllegalStateException(dir + " did not fill up");
    }

    @Override
    public void end() throws IOException {
      Files.deleteIfExists(filler);
    }

    @Override
    public void close() throws Exception {
      end();
      Shell.run(List.of("umount", "-l", dir.toString()));
    }
  }

  /** Runs a root command, bounded, failing on a non-zero exit. */
  final class Shell {
    private Shell() {
    }

    static void run(List<String> argv) throws IOException, InterruptedException {
      Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(argv + " did not finish within 20 s");
      }
      if (p.exitValue() != 0) {
        throw new IOException(argv + " exited " + p.exitValue() + ": " + new String(p.getInputStream().readAllBytes()));
      }
    }
  }
}
