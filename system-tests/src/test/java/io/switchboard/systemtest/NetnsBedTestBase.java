package io.switchboard.systemtest;

import io.switchboard.common.shard.ShardMap;
import io.switchboard.systemtest.netns.BedProcess;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A test class that runs docker-compose.yml on one {@link ComposeBed namespace test bed} of its
 * own, with a Vert.x instance for the clients. After the class, no process may have logged a
 * blocked event loop. Faults are one per bed: a test that injects one is the class's last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class NetnsBedTestBase {

  private static final Logger log = LoggerFactory.getLogger(NetnsBedTestBase.class);
  /** Where each measured outage is appended, one line per room, for docs/reliability.md. */
  private static final Path OUTAGES = Path.of("target", "netns-bed", "outages.tsv");

  static final int ACKS_AFTER_FAULT = 5;

  protected static ComposeBed compose;
  protected static Vertx vertx;
  protected final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /**
   * Starts the bed. The lifecycle is per class (instance methods), so that a subclass changes the
   * bed through {@link #scale()} and {@link #overrides()} instead of hiding a static method, which
   * JUnit would run as well.
   */
  @BeforeAll
  void startBed() throws Exception {
    ComposeBed.assumeSupported(true);
    vertx = Vertx.vertx();
    compose = ComposeBed.start(scale(), overrides());
  }

  /** Replica counts instead of the compose file's: none by default. */
  Map<String, Integer> scale() {
    return Map.of();
  }

  /** Settings for every service on top of the compose file's, asked for once, before the start. */
  Map<String, String> overrides() throws Exception {
    return Map.of();
  }

  @AfterAll
  void stopBed() throws Exception {
    try {
      if (vertx != null) {
        vertx.close().await();
      }
      if (compose != null) {
        List<String> blocked = compose.bed().blockedThreadWarnings();
        compose.close();
        assertThat(blocked).as("blocked event loop warnings in the bed's logs").isEmpty();
      }
    } finally {
      vertx = null;
      compose = null;
      afterBed();
    }
  }

  /** Undoes what {@link #overrides()} set up, once the bed is gone. */
  void afterBed() throws Exception {
  }

  static List<String> rooms(String prefix, int count) {
    return IntStream.range(0, count).mapToObj(i -> prefix + "-" + i).toList();
  }

  /**
   * The rooms whose shard the room-service replica {@code name} owns, by the shard map every
   * gateway uses: those a fault of that replica hits. Fails if there are none.
   */
  static List<String> roomsOwnedBy(String name, List<String> rooms) throws IOException {
    List<String> nodes = new ArrayList<>();
    for (BedProcess p : compose.bed().processes("room")) {
      nodes.add(p.nodeId());
    }
    String owner = compose.bed().process(name).nodeId();
    ShardMap shards = new ShardMap(ShardMap.DEFAULT_SHARDS);
    List<String> owned = rooms.stream().filter(r -> shards.ownerOf(r, nodes).equals(owner)).toList();
    assertThat(owned).as("rooms %s owns", name).isNotEmpty();
    return owned;
  }

  /**
   * Writers on every room, spread over the gateways, each with its own token; returns once every
   * room has taken {@value #ACKS_AFTER_FAULT} writes, so that a fault strikes steady traffic.
   */
  static RoomWriters steadyWriters(List<String> rooms) throws InterruptedException {
    RoomWriters writers = new RoomWriters(vertx, compose.gateways(), rooms, user -> compose.token(vertx, user),
        Duration.ofMillis(100));
    long started = System.nanoTime();
    if (!awaitWritesAfter(writers, rooms, started, Duration.ofSeconds(30))) {
      writers.close();
      throw new AssertionError("not every room took writes within 30 s of the writers' start");
    }
    return writers;
  }

  /**
   * Waits until every room takes writes again after the fault at {@code faultNanos}, or
   * {@code bound} has passed; returns whether all do. A room takes writes again once it has had
   * {@value #ACKS_AFTER_FAULT} acks since: a writer has one message in flight at a time, so one
   * ack may have been on its way when the fault struck, but not that many.
   */
  static boolean awaitWritesAfter(RoomWriters writers, List<String> rooms, long faultNanos, Duration bound)
      throws InterruptedException {
    long deadline = faultNanos + bound.toNanos();
    while (System.nanoTime() < deadline) {
      if (rooms.stream().allMatch(r -> writers.acksAfter(r, faultNanos) >= ACKS_AFTER_FAULT)) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }

  /** Logs each room's write outage around the fault and appends it to {@code target/netns-bed/outages.tsv}. */
  static void recordOutages(String fault, RoomWriters writers, List<String> rooms, List<String> affected, long faultNanos)
      throws IOException {
    Files.createDirectories(OUTAGES.getParent());
    StringBuilder lines = new StringBuilder();
    for (String room : rooms) {
      Duration outage = writers.outage(room, faultNanos);
      String ms = outage == null ? "none" : String.valueOf(outage.toMillis());
      log.atInfo().addKeyValue("fault", fault).addKeyValue("room", room).addKeyValue("ownerHit", affected.contains(room))
          .addKeyValue("outageMs", ms).addKeyValue("reconnects", writers.reconnects(room)).log("write outage");
      lines.append(String.join("\t", fault, System.getenv().getOrDefault(ComposeBed.ENV_ENV, ""), room,
          String.valueOf(affected.contains(room)), ms)).append('\n');
    }
    Files.writeString(OUTAGES, lines, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /** Reads every room back over the HTTP API and checks it against the writers' acks: 0 lost, dup, gap, divergent. */
  void assertEveryRoomHoldsExactlyWhatWasAcked(RoomWriters writers, List<String> rooms) throws Exception {
    String token = compose.token(vertx, "auditor");
    String httpBase = compose.bed().httpBases().get(0);
    for (String room : rooms) {
      Map<String, Long> acked = writers.ackedSeqs(room);
      HistoryAudit audit = HistoryAudit.of(http, httpBase, token, room, acked);
      assertThat(audit.clean()).as("%s", audit).isTrue();
      assertThat(audit.stored()).as("messages stored in %s, all acknowledged", room).isEqualTo(acked.size());
    }
  }

  /** A dropped address answers nothing: a connection attempt to it times out instead of being refused. */
  static void assertSilent(String name) {
    assertThatThrownBy(() -> connect(name)).isInstanceOf(SocketTimeoutException.class);
  }

  /** The test JVM reaches the replica's management port. */
  static void assertReachable(String name) throws IOException {
    connect(name);
  }

  private static void connect(String name) throws IOException {
    BedProcess p = compose.bed().process(name);
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(p.address(), p.port("SWITCHBOARD_MANAGEMENT_PORT", 9100)), 1000);
    }
  }
}
