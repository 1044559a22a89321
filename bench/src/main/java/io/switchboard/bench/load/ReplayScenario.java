package io.switchboard.bench.load;

import io.switchboard.bench.Replay;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;

import static io.switchboard.bench.load.Numbers.ms;
import static io.switchboard.bench.load.Numbers.round;

/**
 * {@code replay} (issue 4, scenario 5), history replay: a client rejoins with {@code since} after
 * each of {@code --missed} (50, 500 and 5,000) missed messages, {@code --runs} times, timed from
 * its join frame to the {@code recovered} marker ({@link Replay}); first on a quiet cluster
 * ({@code load: alone}) and then while a room of {@code --live-members} receives
 * {@code --live-rate} messages per second ({@code load: live}).
 */
final class ReplayScenario implements Scenario {

  @Override
  public void run(ScenarioContext context) throws Exception {
    int runs = context.args().integer("runs", 5);
    List<String> urls = context.urls();
    for (String load : List.of("alone", "live")) {
      Population live = context.population();
      double liveRate = context.args().integer("live-rate", 320);
      int liveMembers = context.args().integer("live-members", 100);
      if (load.equals("live")) {
        String room = "replay-live-" + context.freshId();
        live.add("lsub", room, liveMembers, urls, false, 0);
        live.add("lpub", room, 1, urls.subList(0, 1), true, 0);
        live.publish(liveRate);
        Thread.sleep(3000);
      }
      for (String count : context.args().string("missed", "50,500,5000").split(",")) {
        int missed = Integer.parseInt(count.trim());
        live.reset();
        List<Double> millis = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
          millis.add(Replay.millis(context.client(), urls, missed));
        }
        Histogram h = live.latencySnapshot();
        List<Double> sorted = millis.stream().sorted().toList();
        JsonObject result = new JsonObject().put("scenario", "replay").put("target", context.target().name()).put("load", load)
            .put("missed", missed).put("runs", runs).put("medianMs", round(sorted.get(sorted.size() / 2)))
            .put("maxMs", round(sorted.get(sorted.size() - 1))).put("allMs", millis.stream().map(Numbers::round).toList());
        if (load.equals("live")) {
          result.put("liveDeliveriesPerSec", round(liveRate * (liveMembers + 1))).put("liveP99ms", ms(h, 99))
              .put("liveGaps", live.gaps.sum()).put("liveErrors", live.errors.sum());
        }
        context.emit(result);
      }
      live.closeAll();
    }
  }
}
