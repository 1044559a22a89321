package io.switchboard.systemtest;

import io.switchboard.common.bus.Addresses;
import io.switchboard.common.bus.HistoryProtocol;
import io.switchboard.common.bus.PresenceProtocol;
import io.switchboard.common.bus.RoomProtocol;
import io.switchboard.common.cluster.EventBusOptionsFactory;
import io.switchboard.common.config.ClusterTlsOptions;
import io.switchboard.common.config.ConfigSource;
import io.switchboard.common.config.TestCertificates;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invariant 8 on the cluster side, on a real cluster whose event bus runs TLS with client
 * certificates: members with a certificate from the cluster CA talk; a node that joins the
 * Hazelcast cluster without one (no TLS, or a certificate from another CA) is a member of the
 * Hazelcast cluster but can neither get an answer from, send anything into, nor receive anything
 * from the services.
 */
@ClusterTestBase.ClusterTls
class ClusterTrustTest extends ClusterTestBase {

  /** How a node that was not given the cluster's certificate may try to take part anyway. */
  enum Intruder {
    /** No TLS at all. */
    PLAINTEXT,
    /** TLS with a certificate from its own CA (made with ./switchboard certs), trusting that CA and the cluster's. */
    FOREIGN_CA
  }

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);
  private static ProbeNode member;
  private static final Map<Intruder, ProbeNode> intruders = new EnumMap<>(Intruder.class);

  @BeforeAll
  static void joinProbeNodes() throws Exception {
    TestCertificates foreign = TestCertificates.issue(Files.createTempDirectory(Path.of("target"), "foreign-certs-"));
    Optional<ClusterTlsOptions> clusterTls = tls(clusterCertificates);
    Optional<ClusterTlsOptions> foreignTls = tls(foreign);
    List<Future<ProbeNode>> starting = List.of(
        ProbeNode.start(cluster, "member", (eb, options) -> EventBusOptionsFactory.configure(eb, options, clusterTls)),
        ProbeNode.start(cluster, "plaintext", (eb, options) -> EventBusOptionsFactory.configure(eb, options, Optional.empty())),
        ProbeNode.start(cluster, "foreign-ca", (eb, options) -> EventBusOptionsFactory.configure(eb, options, foreignTls)
            .setTrustOptions(new PemTrustOptions().addCertPath(foreign.ca().toString())
                .addCertPath(clusterCertificates.ca().toString()))));
    Future.all(starting).await();
    member = starting.get(0).result();
    intruders.put(Intruder.PLAINTEXT, starting.get(1).result());
    intruders.put(Intruder.FOREIGN_CA, starting.get(2).result());
    member.listen(Addresses.PRESENCE_HEARTBEAT).await();
    for (ProbeNode intruder : intruders.values()) {
      intruder.listen(Addresses.PRESENCE_HEARTBEAT).await();
    }
  }

  @AfterAll
  static void stopProbeNodes() {
    intruders.values().forEach(ProbeNode::close);
    if (member != null) {
      member.close();
    }
  }

  private static Optional<ClusterTlsOptions> tls(TestCertificates certs) {
    return ClusterTlsOptions.from(new ConfigSource(new JsonObject(), certs.env()));
  }

  @Test
  void aMessageSentThroughOneGatewayIsAckedAndReceivedOnTheOtherOverTheTlsEventBus() throws Exception {
    for (ClusterHarness.Proc p : cluster.all(ClusterHarness.Kind.GATEWAY)) {
      assertThat(Files.readString(p.log)).as("%s runs its event bus with TLS", p.name)
          .contains("event bus: TLS with client certificates");
    }
    String room = "over-tls";
    ChatClient sender = ChatClient.connect(vertx, cluster.gateway(0).wsUrl(), "alice");
    ChatClient receiver = ChatClient.connect(vertx, cluster.gateway(1).wsUrl(), "bob");
    sender.join(room);
    receiver.join(room);
    List<String> ids = IntStream.range(0, 5).mapToObj(i -> "tls-" + i).toList();
    Map<String, Long> acks = sender.sendAll(room, ids, Duration.ofSeconds(30));
    assertThat(acks.values()).containsExactly(1L, 2L, 3L, 4L, 5L);
    List<JsonObject> got = receiver.awaitMessages(room, 5, Duration.ofSeconds(10));
    assertThat(got.stream().map(m -> m.getString("clientMsgId")).toList()).isEqualTo(ids);
    assertThat(got.stream().map(m -> m.getLong("seq")).toList()).containsExactly(1L, 2L, 3L, 4L, 5L);
    sender.close();
    receiver.close();
  }

  /** The control for the intruder test: the same probes succeed from a node with the cluster's certificate. */
  @Test
  void aNodeWithTheClusterCertificateIsAnsweredReceivesHeartbeatsAndCanPostIntoARoom() throws Exception {
    assertThat(historyState(member, "member-probe").await().body().getLong("top")).isZero();

    int before = member.receivedCount();
    awaitUntil(() -> member.receivedCount() > before, Duration.ofSeconds(10), "a presence heartbeat from a gateway");

    String room = "member-post";
    List<Future<Message<JsonObject>>> sends = sendToEveryRoomNode(member, room);
    Future.join(sends).otherwiseEmpty().await();
    assertThat(sends.stream().filter(Future::succeeded).map(f -> f.result().body().getLong("seq")).toList())
        .as("the room's owner sequenced it").containsExactly(1L);
    ChatClient reader = ChatClient.connect(vertx, cluster.gateway(0).wsUrl(), "reader");
    assertThat(reader.join(room).getLong("seq")).isEqualTo(1L);
    reader.close();
  }

  @ParameterizedTest
  @EnumSource(Intruder.class)
  void aNodeWithoutTheClusterCertificateIsNeitherAnsweredNorSentAnythingAndPostsNothing(Intruder kind) throws Exception {
    ProbeNode intruder = intruders.get(kind);
    String room = "intruded-" + kind.name().toLowerCase();
    int memberBefore = member.receivedCount();

    Future<Message<JsonObject>> state = historyState(intruder, room);
    List<Future<Message<JsonObject>>> sends = sendToEveryRoomNode(intruder, room);
    Future.join(state, Future.join(sends)).otherwiseEmpty().await();
    assertThat(state.failed()).as("the history service answers no intruder: %s", state).isTrue();
    assertThat(sends).as("no room service answers an intruder's send").allMatch(Future::failed);
    intruder.vertx.eventBus().publish(Addresses.PRESENCE_HEARTBEAT,
        PresenceProtocol.heartbeat("intruder-gateway", 60_000, Map.of(room, List.of("mallory"))));

    awaitUntil(() -> member.receivedCount() >= memberBefore + 2, Duration.ofSeconds(10),
        "heartbeats reaching the trusted node meanwhile");
    // A publish is also delivered to the publisher's own consumer: only what others sent counts.
    assertThat(intruder.received().stream().filter(m -> !"intruder-gateway".equals(m.getString("gateway"))).toList())
        .as("heartbeats the gateways published reached the intruder").isEmpty();

    ChatClient reader = ChatClient.connect(vertx, cluster.gateway(1).wsUrl(), "reader-" + kind);
    assertThat(reader.join(room).getLong("seq")).as("nothing was posted into the room").isZero();
    List<String> online = PresenceProtocol.users(reader.request(new JsonObject().put("type", "presence").put("room", room)));
    assertThat(online).as("the intruder's presence heartbeat was not taken").doesNotContain("mallory");
    reader.close();
  }

  @Test
  void everyProcessListensOnlyOnLoopbackAndOnlyOnThePortsItWasGiven() throws Exception {
    Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")), "needs Linux /proc");
    List<ClusterHarness.Proc> all = new ArrayList<>();
    for (ClusterHarness.Kind kind : ClusterHarness.Kind.values()) {
      all.addAll(cluster.all(kind));
    }
    assertThat(all).hasSize(6);
    for (ClusterHarness.Proc p : all) {
      Set<String> listening = listeningSockets(p.process.pid());
      Set<Integer> expected = new HashSet<>(List.of(p.managementPort, cluster.eventBusPort(p)));
      if (p.gatewayPort > 0) {
        expected.add(p.gatewayPort);
      }
      assertThat(listening).as("%s listens only on loopback", p.name).allMatch(s -> s.startsWith("127.0.0.1:"));
      List<Integer> ports = listening.stream().map(s -> Integer.parseInt(s.substring(s.indexOf(':') + 1))).toList();
      assertThat(ports).as("%s: its management, event-bus and gateway ports and one Hazelcast port", p.name)
          .containsAll(expected).hasSize(expected.size() + 1)
          .anyMatch(port -> port >= p.hazelcastPort && port < p.hazelcastPort + 100);
    }
  }

  private static Future<Message<JsonObject>> historyState(ProbeNode node, String room) throws IOException {
    String history = cluster.all(ClusterHarness.Kind.HISTORY).get(0).nodeId();
    return node.vertx.eventBus().request(Addresses.historyNode(history), HistoryProtocol.stateRequest(room),
        new DeliveryOptions().setSendTimeout(REQUEST_TIMEOUT.toMillis()).addHeader(Addresses.OP, Addresses.HistoryOps.STATE));
  }

  /** One send per room-service instance (only the room's owner accepts it), as a gateway would post. */
  private static List<Future<Message<JsonObject>>> sendToEveryRoomNode(ProbeNode node, String room) throws IOException {
    List<Future<Message<JsonObject>>> sends = new ArrayList<>();
    for (ClusterHarness.Proc p : cluster.all(ClusterHarness.Kind.ROOM)) {
      sends.add(node.vertx.eventBus().request(Addresses.roomNode(p.nodeId()),
          RoomProtocol.send(room, "mallory", "forged-1", "posted by " + node),
          new DeliveryOptions().setSendTimeout(REQUEST_TIMEOUT.toMillis()).addHeader(Addresses.OP, Addresses.RoomOps.SEND)));
    }
    return sends;
  }

  /** The {@code address:port} of every listening TCP socket the process owns, from /proc. */
  private static Set<String> listeningSockets(long pid) throws IOException {
    Set<String> inodes = new HashSet<>();
    try (var fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
      for (Path fd : fds.toList()) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring(8, target.length() - 1));
          }
        } catch (IOException closedMeanwhile) {
          // the descriptor was closed while listing
        }
      }
    }
    Set<String> out = new HashSet<>();
    for (String table : List.of("tcp", "tcp6")) {
      List<String> lines = Files.readAllLines(Path.of("/proc", String.valueOf(pid), "net", table));
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        if ("0A".equals(f[3]) && inodes.contains(f[9])) {
          out.add(address(f[1]));
        }
      }
    }
    return out;
  }

  /** A /proc/net/tcp{,6} local address ({@code hex-address:hex-port}) as {@code address:port}; IPv4-mapped IPv6 as IPv4. */
  private static String address(String hex) throws IOException {
    String[] parts = hex.split(":");
    byte[] bytes = new byte[parts[0].length() / 2];
    // The kernel prints each 32-bit word of the address in host (little-endian) byte order.
    for (int i = 0; i < bytes.length; i++) {
      int inWord = 3 - i % 4;
      int at = (i - i % 4 + inWord) * 2;
      bytes[i] = (byte) Integer.parseInt(parts[0].substring(at, at + 2), 16);
    }
    // An IPv4-mapped IPv6 address (a dual-stack socket bound to 127.0.0.1) comes back as IPv4.
    return InetAddress.getByAddress(bytes).getHostAddress() + ":" + Integer.parseInt(parts[1], 16);
  }

  private static void awaitUntil(BooleanSupplier condition, Duration timeout, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }
}
