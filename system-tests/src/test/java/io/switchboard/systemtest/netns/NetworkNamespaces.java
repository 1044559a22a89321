package io.switchboard.systemtest.netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The bed's network: one Linux bridge in the root namespace with {@link Topology#HOST_ADDRESS},
 * and per container a network namespace joined to it by a veth pair, with one address and no
 * default route (so nothing in it reaches past the bridge). Every name the bed creates starts with
 * {@link #PREFIX}, so that what a crashed run left behind is recognised and removed by the next.
 */
final class NetworkNamespaces {

  /** Namespaces are {@code sb-<service>-<n>}, the bridge {@code sb-bridge}, root-side veths {@code sb-v<k>}. */
  static final String PREFIX = "sb-";
  static final String BRIDGE = PREFIX + "bridge";
  /** Per-namespace files that {@code ip netns exec} mounts over {@code /etc}. */
  private static final Path ETC = Path.of("/etc/netns");

  private int veths;

  /**
   * Why the bed cannot run here (not root, no {@code ip netns}), or null if it can. Creates and
   * removes a probe namespace to be sure.
   */
  static String unsupportedReason() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return "the namespace test bed needs root (running as " + System.getProperty("user.name") + ")";
    }
    String probe = PREFIX + "probe";
    try {
      Command.attempt("ip", "netns", "del", probe);
      Command.run("ip", "netns", "add", probe);
      Command.run("ip", "netns", "del", probe);
      return null;
    } catch (IOException e) {
      return "ip netns is not usable: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /** Removes every namespace, veth and bridge of this bed, killing the processes still in them. */
  static void removeAll() throws IOException, InterruptedException {
    List<String> namespaces = Arrays.stream(Command.run("ip", "netns", "list").split("\n"))
        .map(line -> line.split(" ")[0]).filter(n -> n.startsWith(PREFIX)).toList();
    List<ProcessHandle> stragglers = new ArrayList<>();
    for (String ns : namespaces) {
      for (String pid : Command.attempt("ip", "netns", "pids", ns).output().split("\\s+")) {
        if (!pid.isBlank()) {
          ProcessHandle.of(Long.parseLong(pid)).ifPresent(stragglers::add);
        }
      }
    }
    stragglers.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle p : stragglers) {
      try {
        p.onExit().get(10, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        throw new IOException("process " + p.pid() + " of a bed namespace did not exit", e);
      }
    }
    for (String ns : namespaces) {
      Command.attempt("ip", "netns", "del", ns);
    }
    if (Files.isDirectory(ETC)) {
      try (var dirs = Files.list(ETC)) {
        for (Path dir : dirs.filter(d -> d.getFileName().toString().startsWith(PREFIX)).toList()) {
          Files.deleteIfExists(dir.resolve("hosts"));
          Files.deleteIfExists(dir);
        }
      }
    }
    // A veth goes with its namespace; the bridge, and a veth whose namespace is gone, do not.
    try (var links = Files.list(Path.of("/sys/class/net"))) {
      for (String link : links.map(p -> p.getFileName().toString()).filter(l -> l.startsWith(PREFIX)).toList()) {
        Command.attempt("ip", "link", "del", link);
      }
    }
  }

  void createBridge() throws IOException, InterruptedException {
    Command.run("ip", "link", "add", BRIDGE, "type", "bridge");
    Command.run("ip", "addr", "add", Topology.HOST_ADDRESS + "/" + Topology.PREFIX_LENGTH, "dev", BRIDGE);
    Command.run("ip", "link", "set", BRIDGE, "up");
  }

  /**
   * A namespace for {@code r}, attached to the bridge with {@code r}'s address, and with
   * {@code hosts} as its {@code /etc/hosts} ({@code ip netns exec} mounts
   * {@code /etc/netns/<namespace>/hosts} over it).
   */
  void create(Replica r, String hosts) throws IOException, InterruptedException {
    String ns = r.namespace();
    Files.createDirectories(ETC.resolve(ns));
    Files.writeString(ETC.resolve(ns).resolve("hosts"), hosts);
    String veth = PREFIX + "v" + (++veths);
    Command.run("ip", "netns", "add", ns);
    Command.run("ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns);
    Command.run("ip", "link", "set", veth, "master", BRIDGE, "up");
    Command.run("ip", "-n", ns, "addr", "add", r.address() + "/" + Topology.PREFIX_LENGTH, "dev", "eth0");
    Command.run("ip", "-n", ns, "link", "set", "eth0", "up");
    Command.run("ip", "-n", ns, "link", "set", "lo", "up");
  }

  /** Gives the root namespace {@code r}'s address too, for a stand-in that runs there. */
  void addToHost(Replica r) throws IOException, InterruptedException {
    Command.run("ip", "addr", "add", r.address() + "/32", "dev", BRIDGE);
  }

  /** The command line that runs {@code argv} inside {@code r}'s namespace (same process, no fork). */
  static List<String> inside(Replica r, List<String> argv) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", r.namespace()));
    cmd.addAll(argv);
    return cmd;
  }
}
