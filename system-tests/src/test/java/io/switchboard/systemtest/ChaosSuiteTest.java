package io.switchboard.systemtest;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chaos suite (issue 10): docker-compose.yml on the namespace test bed under load through
 * real sockets, writers retrying with the same {@code clientMsgId} and re-joining with
 * {@code since}, receivers on every room through every gateway, while faults strike one after
 * another. After each fault, a Jepsen-style check of every room over the HTTP API and of every
 * receiver stream: 0 lost, 0 duplicated, 0 gaps, 0 divergent, and each room's write outage
 * within a generous bound. The table of what each fault cost goes to
 * {@code target/chaos/table.md} (bench/run-chaos.sh puts it into docs/reliability.md).
 *
 * <p>{@code -Dchaos.profile=short} (the default, part of {@code ./mvnw verify}) or {@code full}.
 */
class ChaosSuiteTest extends NetnsBedTestBase {

  private static final Logger log = LoggerFactory.getLogger(ChaosSuiteTest.class);
  private static final int ROOMS = 8;
  /** A generous bound that shows every room comes back; the measured outages are in the table. */
  private static final Duration OUTAGE_BOUND = Duration.ofSeconds(20);
  private static final int GATEWAYS = 2;

  private StoreOutage storeOutage;

  /** The bed runs 2 gateways. */
  @Override
  Map<String, Integer> scale() {
    return Map.of("gateway", GATEWAYS);
  }

  /** The store outage needs its settings before the start. */
  @Override
  Map<String, String> overrides() throws Exception {
    storeOutage = StoreOutage.forComposeFile(ComposeBed.composeFile(), Path.of("target", "chaos", "store").toAbsolutePath());
    return storeOutage.overrides();
  }

  /** Undoes the store outage's set-up once the bed is gone. */
  @Override
  void afterBed() throws Exception {
    if (storeOutage != null) {
      storeOutage.close();
    }
  }

  @Test
  void everyFaultLosesNothingAndEveryRoomTakesWritesAgain() throws Exception {
    ChaosProfile profile = ChaosProfile.chosen();
    List<ChaosOutcome> outcomes = new ArrayList<>();
    for (ChaosFault fault : profile.faults(storeOutage)) {
      ChaosOutcome outcome = strike(fault);
      log.atInfo().addKeyValue("fault", outcome.fault()).addKeyValue("target", outcome.target())
          .addKeyValue("maxOutage", outcome.maxOutage()).addKeyValue("clean", outcome.clean())
          .addKeyValue("problems", outcome.problems()).log("chaos fault checked");
      outcomes.add(outcome);
    }
    ChaosReport.write(profile, topology(), outcomes);
    for (ChaosOutcome o : outcomes) {
      assertThat(o.problems()).as("%s: what the check found", o.fault()).isEmpty();
      assertThat(o.clean()).as("%s", o).isTrue();
      assertThat(o.maxOutage()).as("%s: longest write outage", o.fault()).isLessThanOrEqualTo(OUTAGE_BOUND);
    }
  }

  /**
   * One fault on rooms of its own: writers and receivers start, the fault strikes and ends, every
   * room takes writes again and every process sees the whole cluster again
   * ({@link ChaosRun#awaitWholeCluster}: a member cut off or frozen has merged back, so the next
   * fault strikes a whole cluster), then every room and every stream is checked.
   */
  private ChaosOutcome strike(ChaosFault fault) throws Exception {
    List<String> rooms = rooms("chaos-" + fault.name().replace(' ', '-'), ROOMS);
    String token = compose.token(vertx, "reader");
    try (RoomWriters writers = steadyWriters(rooms);
         Receivers receivers = new Receivers(vertx, compose.gateways(), rooms, token)) {
      ChaosRun run = new ChaosRun(compose, rooms, writers);
      long struckAt = System.nanoTime();
      String target = "?";
      try {
        target = fault.strike(run);
        run.awaitWritesAfter(System.nanoTime());
        run.awaitWholeCluster();
        Map<String, Duration> outages = new HashMap<>();
        rooms.forEach(r -> outages.put(r, writers.outage(r, struckAt)));
        writers.stop(); // rethrows a writer that gave up on a message
        return check(fault.name(), target, rooms, writers, receivers, outages);
      } catch (Exception | AssertionError e) {
        log.atError().setCause(e).addKeyValue("fault", fault.name()).log("chaos fault did not complete");
        return ChaosOutcome.failed(fault.name(), target, rooms.size(), e);
      }
    }
  }

  private ChaosOutcome check(String fault, String target, List<String> rooms, RoomWriters writers, Receivers receivers,
                             Map<String, Duration> outages) throws Exception {
    String token = compose.token(vertx, "auditor");
    String httpBase = compose.bed().httpBases().get(0);
    Map<String, Map<Long, JsonObject>> histories = new HashMap<>();
    List<HistoryAudit> roomAudits = new ArrayList<>();
    for (String room : rooms) {
      roomAudits.add(HistoryAudit.of(http, httpBase, token, room, writers.ackedSeqs(room)));
      histories.put(room, RoomHistory.read(http, httpBase, token, room));
    }
    List<ReceiverAudit> streams = receivers.finish(
        room -> () -> histories.get(room).keySet().stream().mapToLong(Long::longValue).max().orElse(0),
        histories::get);
    List<String> problems = Stream.concat(
        roomAudits.stream().filter(a -> !a.clean()).map(HistoryAudit::toString),
        streams.stream().filter(a -> !a.clean()).map(ReceiverAudit::toString)).limit(5).toList();
    Duration max = outages.values().stream().map(d -> d == null ? OUTAGE_BOUND.plusSeconds(1) : d).max(Duration::compareTo).orElseThrow();
    int affected = (int) outages.values().stream().filter(d -> d == null || d.compareTo(ChaosOutcome.AFFECTED) > 0).count();
    return new ChaosOutcome(fault, target, rooms.size(), affected, max,
        count(roomAudits, HistoryAudit::lost, streams, ReceiverAudit::lost),
        count(roomAudits, HistoryAudit::duplicated, streams, ReceiverAudit::duplicated),
        count(roomAudits, HistoryAudit::gaps, streams, ReceiverAudit::gaps),
        count(roomAudits, HistoryAudit::divergent, streams, ReceiverAudit::divergent),
        problems);
  }

  /** How many findings of one kind the room audits and the stream audits made together. */
  private static int count(List<HistoryAudit> rooms, Function<HistoryAudit, List<?>> ofRoom,
                           List<ReceiverAudit> streams, Function<ReceiverAudit, List<?>> ofStream) {
    return rooms.stream().mapToInt(a -> ofRoom.apply(a).size()).sum() + streams.stream().mapToInt(a -> ofStream.apply(a).size()).sum();
  }

  private static String topology() {
    Map<String, Long> counts = new java.util.LinkedHashMap<>();
    compose.bed().topology().replicas().forEach(r -> counts.merge(r.service().name(), 1L, Long::sum));
    return "docker-compose.yml on the namespace test bed (" + counts + "), " + ROOMS + " rooms per fault, a writer per room"
        + " (one message in flight, 100 ms apart) and a receiver per room on each gateway";
  }
}
