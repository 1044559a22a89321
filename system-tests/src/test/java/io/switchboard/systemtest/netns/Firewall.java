package io.switchboard.systemtest.netns;

import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Network faults, made with iptables inside a container's own namespace so that the root
 * namespace's rules are never touched. Packets are dropped, not refused: the peers see silence,
 * as when a container or its host vanishes, and only their timeouts tell them. Each namespace gets
 * two chains of its own, {@code sb-in} (from INPUT) and {@code sb-out} (from OUTPUT), and every
 * change replaces their whole content in one {@code iptables-restore}, so that a fault starts (and
 * ends) in both directions at the same instant.
 */
final class Firewall {

  /** What a namespace drops: everything but its loopback, or the packets to and from some addresses. */
  private record Faults(boolean isolated, Set<String> blocked) {
  }

  private final Map<String, Faults> faults = new HashMap<>();

  /** Why faults cannot be injected (no {@code iptables}), or null if they can. */
  static String unavailableReason() {
    try {
      Command.run("iptables-restore", "--version");
      return null;
    } catch (IOException e) {
      return "iptables is missing (apt-get install -y iptables): " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /** Drops every packet to and from {@code r}'s address; its own loopback keeps working. */
  void isolate(Replica r) throws IOException, InterruptedException {
    apply(r, new Faults(true, current(r).blocked()));
  }

  /** Drops every packet between {@code r} and {@code addresses}, both ways. */
  void block(Replica r, Collection<String> addresses) throws IOException, InterruptedException {
    Set<String> blocked = new TreeSet<>(current(r).blocked());
    blocked.addAll(addresses);
    apply(r, new Faults(current(r).isolated(), blocked));
  }

  /** Removes every fault of {@code r}. */
  void clear(Replica r) throws IOException, InterruptedException {
    if (faults.containsKey(r.namespace())) {
      apply(r, new Faults(false, Set.of()));
    }
  }

  private Faults current(Replica r) {
    return faults.getOrDefault(r.namespace(), new Faults(false, Set.of()));
  }

  private void apply(Replica r, Faults next) throws IOException, InterruptedException {
    StringBuilder rules = new StringBuilder("*filter\n:sb-in - [0:0]\n:sb-out - [0:0]\n");
    if (!faults.containsKey(r.namespace())) {
      rules.append("-I INPUT -j sb-in\n-I OUTPUT -j sb-out\n");
    }
    if (next.isolated()) {
      rules.append("-A sb-in ! -i lo -j DROP\n-A sb-out ! -o lo -j DROP\n");
    }
    if (!next.blocked().isEmpty()) {
      String list = String.join(",", next.blocked());
      rules.append("-A sb-in -s ").append(list).append(" -j DROP\n-A sb-out -d ").append(list).append(" -j DROP\n");
    }
    rules.append("COMMIT\n");
    Command.runWithInput(rules.toString(),
        NetworkNamespaces.inside(r, List.of("iptables-restore", "--noflush")).toArray(String[]::new));
    faults.put(r.namespace(), next);
  }
}
