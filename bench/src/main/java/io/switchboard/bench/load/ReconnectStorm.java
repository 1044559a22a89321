package io.switchboard.bench.load;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.switchboard.bench.load.Numbers.ms;
import static io.switchboard.bench.load.Numbers.round;

/**
 * The second phase of {@code storm} (issue 4, scenario 4; issue 10), on the connection storm's
 * reconnecting population: one member per room publishes ({@code --storm-rate} messages per second
 * in total) from a surviving gateway while a process of {@code --pids} is killed with SIGKILL. Its
 * clients reconnect to the next gateway as the SDK does (first retry after 1 to 5 s, full jitter,
 * honouring a 503's Retry-After) and rejoin with {@code since}.
 *
 * <p>The clients that stay on the surviving gateway keep receiving throughout. Their
 * send-to-delivery latency is measured in a baseline window ({@code --baseline-seconds}, 10, after
 * {@code --warm-seconds}, 5, of traffic) and in the storm window: from the kill until every dropped
 * client resumed plus {@code --tail-seconds} (5); with the longest stretch in which none of them
 * received anything ({@link SurvivorReport}).
 *
 * <p>The result ({@code reconnect-storm}) is the time until every dropped client has resumed (every
 * room's {@code recovered: true}), the survivors' numbers, and, once traffic has stopped, whether
 * every member of every room holds exactly the room's last seq.
 */
final class ReconnectStorm {

  private static final Logger log = LoggerFactory.getLogger(ReconnectStorm.class);

  private final ScenarioContext context;
  private final Population pop;
  private final List<Population.Peer> peers;
  private final int group;

  ReconnectStorm(ScenarioContext context, Population pop, List<Population.Peer> peers, int group) {
    this.context = context;
    this.pop = pop;
    this.peers = peers;
    this.group = group;
  }

  /** Kills the process named {@code kill} (connected to by the clients of the second gateway) under live traffic. */
  void run(String kill) throws Exception {
    long pid = context.target().pids().get(kill);
    String killedUrl = context.urls().get(1);
    List<Population.Peer> publishers = new ArrayList<>();
    for (int i = 0; i < peers.size(); i += group) {
      if (!peers.get(i).url.equals(killedUrl)) {
        publishers.add(peers.get(i));
      }
    }
    pop.enlist(peers, false);
    pop.publishFrom(publishers);
    double aggregate = context.args().integer("storm-rate", 500);
    int baselineSeconds = context.args().integer("baseline-seconds", 10);
    int tailSeconds = context.args().integer("tail-seconds", 5);
    int resumeTimeout = context.args().integer("resume-timeout", 120);
    pop.publish(aggregate / publishers.size());
    Thread.sleep(TimeUnit.SECONDS.toMillis(context.args().integer("warm-seconds", 5)));
    List<Population.Peer> survivors = peers.stream().filter(p -> !p.url.equals(killedUrl)).toList();
    DeliveryTimeline timeline = new DeliveryTimeline(System.nanoTime(), 10,
        TimeUnit.SECONDS.toMillis(baselineSeconds + resumeTimeout + tailSeconds + 30));
    pop.watchSurvivors(survivors, timeline);
    Thread.sleep(TimeUnit.SECONDS.toMillis(baselineSeconds));
    Histogram baseline = pop.survivorMicros.getIntervalHistogram();
    pop.reset();
    long dropped = peers.stream().filter(p -> p.url.equals(killedUrl)).count();
    long killedAt = System.nanoTime();
    long killedAtMillis = System.currentTimeMillis();
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    log.info("killed {} (pid {}) at {}; {} clients were connected to it, {} stay on the other gateway", kill, pid,
        java.time.Instant.ofEpochMilli(killedAtMillis), dropped, survivors.size());
    long deadline = killedAt + TimeUnit.SECONDS.toNanos(resumeTimeout);
    JsonArray bySecond = new JsonArray();
    PerSecond sampler = new PerSecond(killedAt, alive(context.target().pids(), kill), survivorGateway(context), bySecond);
    while (pop.resumed.sum() < dropped && System.nanoTime() < deadline) {
      Thread.sleep(100);
      sampler.sampleIfDue();
      System.err.printf("  reconnect storm: %,d of %,d resumed, %,d attempts, %,d failed (%,d refused with 503)%n",
          pop.resumed.sum(), dropped, pop.reconnectAttempts.sum(), pop.connectFailures.sum(), pop.refused503.sum());
    }
    double allResumedSeconds = (System.nanoTime() - killedAt) / 1e9;
    long tailEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(tailSeconds);
    while (System.nanoTime() < tailEnd) { // live traffic after the resume, still checked for gaps
      Thread.sleep(100);
      sampler.sampleIfDue();
    }
    long stormEnd = System.nanoTime();
    Histogram storm = pop.survivorMicros.getIntervalHistogram();
    SurvivorReport survivorReport = SurvivorReport.of(baseline, storm, timeline, timeline.offsetMs(killedAt),
        timeline.offsetMs(stormEnd));
    log.info("survivors: {}", survivorReport.json().encode());
    pop.publish(0);
    Measurements.awaitQuiet(pop);
    Histogram resume = pop.resumeMicros.getIntervalHistogram();
    Histogram latency = pop.latencySnapshot();
    long behind = membersBehind(peers);
    context.emit(new JsonObject().put("scenario", "reconnect-storm").put("target", context.target().name())
        .put("connections", peers.size())
        .put("killed", kill).put("firstReconnectDelayMs", pop.firstReconnectDelayMs()).put("dropped", dropped).put("resumed", pop.resumed.sum())
        .put("allResumedSeconds", round(allResumedSeconds)).put("resumeP50ms", ms(resume, 50)).put("resumeP99ms", ms(resume, 99))
        .put("resumeMaxMs", round(resume.getMaxValue() / 1000.0)).put("reconnectAttempts", pop.reconnectAttempts.sum())
        .put("offeredSendRate", aggregate).put("sends", pop.sends.sum()).put("acks", pop.acks.sum()).put("errors", pop.errors.sum())
        .put("errorsByCode", pop.errorsByCode())
        .put("deliveries", pop.deliveries.sum()).put("p99ms", ms(latency, 99)).put("maxMs", round(latency.getMaxValue() / 1000.0))
        .put("gaps", pop.gaps.sum()).put("duplicates", pop.duplicates.sum()).put("unrecovered", pop.unrecovered.sum())
        .put("membersBehind", behind)
        .put("killedAt", java.time.Instant.ofEpochMilli(killedAtMillis).toString())
        .put("refused503", pop.refused503.sum()).put("retryAfterSecondsTotal", pop.retryAfterSeconds.sum())
        .put("survivors", survivors.size()).put("survivorsDropped", pop.survivorsDropped.sum())
        .mergeIn(survivorReport.json())
        .put("stormBySecond", bySecond));
  }

  private static Map<String, Long> alive(Map<String, Long> pids, String killed) {
    Map<String, Long> alive = new java.util.LinkedHashMap<>(pids);
    alive.remove(killed);
    return alive;
  }

  /** The process serving the surviving gateway's clients: {@code --survivor-pid-name}, default gateway-1. */
  private static String survivorGateway(ScenarioContext context) {
    return context.args().string("survivor-pid-name", "gateway-1");
  }

  /**
   * One row per second after the kill: the survivors' p99 and max latency in that second, how many
   * dropped clients resumed in it, and the CPU the surviving gateway and all server processes used
   * (percent of one core), to tell what the survivors' latency follows.
   */
  private final class PerSecond {
    private final long start;
    private final Map<String, Long> pids;
    private final Long gateway;
    private final JsonArray rows;
    private int second;
    private long resumedBefore;
    private double gatewayCpuBefore;
    private double allCpuBefore;
    private double selfCpuBefore;
    private final Map<String, Double> byProcessBefore = new java.util.LinkedHashMap<>();

    PerSecond(long start, Map<String, Long> pids, String gateway, JsonArray rows) {
      this.start = start;
      this.pids = pids;
      this.gateway = pids.get(gateway);
      this.rows = rows;
      this.gatewayCpuBefore = cpu(this.gateway);
      this.allCpuBefore = cpu(pids);
      this.selfCpuBefore = ProcStats.cpuSeconds(ProcessHandle.current().pid());
      pids.forEach((name, pid) -> byProcessBefore.put(name, cpu(pid)));
      pop.survivorSecondMicros.reset();
    }

    void sampleIfDue() {
      if (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(second + 1)) {
        return;
      }
      second++;
      Histogram h = pop.survivorSecondMicros.getIntervalHistogram();
      long resumed = pop.resumed.sum();
      double gatewayCpu = cpu(gateway);
      double allCpu = cpu(pids);
      double selfCpu = ProcStats.cpuSeconds(ProcessHandle.current().pid());
      JsonObject byProcess = new JsonObject();
      pids.forEach((name, pid) -> {
        double now = cpu(pid);
        byProcess.put(name, Math.round((now - byProcessBefore.get(name)) * 100));
        byProcessBefore.put(name, now);
      });
      rows.add(new JsonObject().put("s", second).put("survivorDeliveries", h.getTotalCount())
          .put("p99ms", ms(h, 99)).put("maxMs", round(h.getMaxValue() / 1000.0)).put("resumed", resumed - resumedBefore)
          .put("gatewayCpuPct", Math.round((gatewayCpu - gatewayCpuBefore) * 100))
          .put("serversCpuPct", Math.round((allCpu - allCpuBefore) * 100))
          .put("generatorCpuPct", Math.round((selfCpu - selfCpuBefore) * 100)).put("cpuPctByProcess", byProcess));
      resumedBefore = resumed;
      gatewayCpuBefore = gatewayCpu;
      allCpuBefore = allCpu;
      selfCpuBefore = selfCpu;
    }

    /** CPU seconds of the processes still running (the killed one no longer counts). */
    private static double cpu(Map<String, Long> pids) {
      return pids.values().stream().mapToDouble(PerSecond::cpu).sum();
    }

    private static double cpu(Long pid) {
      try {
        return pid == null ? 0 : ProcStats.cpuSeconds(pid);
      } catch (IllegalStateException gone) {
        return 0;
      }
    }
  }

  /** Members (each in one room) that do not hold their room's last seq, the highest any member of it saw. */
  static long membersBehind(List<Population.Peer> peers) {
    Map<String, Long> head = new HashMap<>();
    peers.forEach(p -> head.merge(p.rooms[0], p.lastSeq[0], Math::max));
    return peers.stream().filter(p -> p.lastSeq[0] != head.get(p.rooms[0])).count();
  }
}
