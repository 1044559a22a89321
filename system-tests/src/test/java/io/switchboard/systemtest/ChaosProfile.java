package io.switchboard.systemtest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which faults a chaos run injects: {@code short} (CI, part of {@code ./mvnw verify}, a few
 * minutes) or {@code full} (bench/run-chaos.sh full: every fault of issue 10, kills 5 times),
 * chosen with {@code -Dchaos.profile}.
 */
enum ChaosProfile {
  SHORT(1, false),
  FULL(5, true);

  static final String PROPERTY = "chaos.profile";

  private final int kills;
  private final boolean everyFault;

  ChaosProfile(int kills, boolean everyFault) {
    this.kills = kills;
    this.everyFault = everyFault;
  }

  static ChaosProfile chosen() {
    return valueOf(System.getProperty(PROPERTY, "short").toUpperCase(Locale.ROOT));
  }

  String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The faults in the order they strike. The store outage and the partition come before the
   * faults that restart members, the pause and flapping last: a member that was frozen or cut
   * off may leave the cluster less settled for what follows.
   */
  List<ChaosFault> faults(StoreOutage storeOutage) {
    List<ChaosFault> faults = new ArrayList<>(List.of(
        ChaosFaults.storeOutage(storeOutage),
        ChaosFaults.kill("room", kills),
        ChaosFaults.kill("history", kills),
        ChaosFaults.kill("gateway", kills),
        ChaosFaults.minorityPartition()));
    if (everyFault) {
      faults.add(ChaosFaults.rollingRestart());
      faults.add(ChaosFaults.flap());
      faults.add(ChaosFaults.pauseOwner());
    }
    return faults;
  }
}
