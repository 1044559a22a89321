package io.switchboard.bench.load;

import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code failover} (issue 10): {@code --rooms} rooms, each with one publisher sending {@code --rate}
 * messages a second and one subscriber (publishers and subscribers spread over the gateways), until
 * the {@code --stop-file} appears (or {@code --seconds} pass), while a script kills and restarts a
 * service (bench/run-history-failover-bench.sh).
 * The script appends one line per fault to the {@code --events} file: its wall-clock milliseconds
 * and a label. Afterwards, one result per fault: the longest time with no ack at all, and the
 * longest any one room waited for an ack, within {@code --horizon-ms} after the fault
 * ({@link AckTimeline}). Then one summary: sends, acks, error frames by code, the gaps and
 * duplicates the subscribers saw, and the longest any room waited for an ack before the first
 * fault (the noise floor of the machine, for comparison).
 */
final class FailoverScenario implements Scenario {

  /** Not measured: the first seconds, while the servers compile the hot paths. */
  private static final long WARM_UP_MS = 5_000;

  @Override
  public void run(ScenarioContext context) throws Exception {
    int rooms = context.args().integer("rooms", 20);
    int rate = context.args().integer("rate", 20);
    int seconds = context.args().integer("seconds", 120);
    long horizonMs = context.args().integer("horizon-ms", 15_000);
    Path events = Path.of(context.args().string("events", "/dev/null"));
    Path stopFile = Path.of(context.args().string("stop-file", "/nonexistent"));
    String label = context.args().string("label", "");
    String run = context.freshId();
    List<String> urls = context.urls();
    AckTimeline acks = new AckTimeline();
    Population pop = context.population().onAck(acks::ack);
    for (int r = 0; r < rooms; r++) {
      String room = "failover-" + run + "-" + r;
      pop.add("fsub" + r + "-" + run, room, 1, List.of(urls.get(r % urls.size())), false, 0);
      pop.add("fpub" + r + "-" + run, room, 1, List.of(urls.get((r + 1) % urls.size())), true, 0);
    }
    long started = System.currentTimeMillis();
    pop.publish(rate);
    while (System.currentTimeMillis() < started + seconds * 1000L && !Files.exists(stopFile)) {
      Thread.sleep(200);
    }
    pop.stop();
    long stopped = System.currentTimeMillis();
    Thread.sleep(5_000); // the last sends' acks

    List<String[]> faults = Files.readAllLines(events).stream().filter(l -> !l.isBlank())
        .map(l -> l.trim().split("\\s+", 2)).toList();
    for (String[] fault : faults) {
      AckTimeline.Outage outage = acks.after(Long.parseLong(fault[0]), horizonMs, stopped);
      context.emit(new JsonObject().put("scenario", "failover").put("label", label)
          .put("fault", fault.length > 1 ? fault[1] : "").put("noAckMs", outage.noAckMs())
          .put("worstRoomMs", outage.worstRoomMs()).put("room", outage.room())
          .put("worstRoomFrom", outage.worstRoomFrom()));
    }
    long firstFault = faults.isEmpty() ? System.currentTimeMillis() : Long.parseLong(faults.get(0)[0]);
    context.emit(new JsonObject().put("scenario", "failover-summary").put("label", label)
        .put("rooms", rooms).put("ratePerRoom", rate).put("seconds", (stopped - started) / 1000)
        .put("sends", pop.sends.sum()).put("acks", pop.acks.sum()).put("errors", pop.errorsByCode())
        .put("gaps", pop.gaps.sum()).put("duplicates", pop.duplicates.sum())
        .put("quietWorstRoomMs", acks.quietWorstRoomMs(started + WARM_UP_MS, firstFault)));
    pop.closeAll();
  }
}
