package io.switchboard.common.config;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.List;

/**
 * Resolves {@code auto} for {@code cluster.bindHost} and {@code cluster.publicHost}: this host's
 * address on the network that reaches the first seed member. A container attached to two networks
 * (a gateway on the public and the internal network) gets its address on the internal one, which
 * {@link InetAddress#getLocalHost()} does not promise. Without seeds, the address this host's
 * own name resolves to.
 */
final class OwnAddress {

  /** Any port: connecting a UDP socket only selects the route and sends nothing. */
  private static final int DISCARD_PORT = 9;

  private OwnAddress() {
  }

  static String towards(List<String> seeds) {
    try {
      if (!seeds.isEmpty()) {
        InetAddress seed = InetAddress.getByName(hostOf(seeds.get(0)));
        try (DatagramSocket probe = new DatagramSocket()) {
          probe.connect(seed, DISCARD_PORT);
          InetAddress local = probe.getLocalAddress();
          if (local != null && !local.isAnyLocalAddress()) {
            return local.getHostAddress();
          }
        }
      }
      return InetAddress.getLocalHost().getHostAddress();
    } catch (IOException e) {
      throw new ConfigException("cluster.bindHost or cluster.publicHost is auto but this host's address towards "
          + (seeds.isEmpty() ? "its own name" : "seed " + seeds.get(0)) + " cannot be found: " + e);
    }
  }

  /** {@code host}, {@code host:port}, {@code [v6]} or {@code [v6]:port} without the port. */
  static String hostOf(String member) {
    if (member.startsWith("[")) {
      int close = member.indexOf(']');
      return close > 0 ? member.substring(1, close) : member;
    }
    int colon = member.indexOf(':');
    return colon > 0 && colon == member.lastIndexOf(':') ? member.substring(0, colon) : member;
  }
}
