package io.switchboard.systemtest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
  static final String ONLY = "chaos.only";

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
   * faults that restart members, the pause and flapping late: a member that was frozen or cut
   * off may leave the cluster less settled for what follows. The clock skews come last, added
   * after the others so as not to change their order (full profile only: they need libfaketime,
   * {@link ChaosFaults#FAKETIME_LIB}, which CI does not install).
   *
   * <p>{@code -Dchaos.only=clock-skew,kill-room} keeps the faults whose name starts with one of
   * those, to try one fault without the whole run.
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
      faults.add(ChaosFaults.clockSkew("room", Duration.ofSeconds(30)));
      faults.add(ChaosFaults.clockSkew("history", Duration.ofSeconds(-30)));
    }
    List<String> only = Arrays.stream(System.getProperty(ONLY, "").split(",")).map(String::trim).filter(o -> !o.isEmpty()).toList();
    if (!only.isEmpty()) {
      faults.removeIf(f -> only.stream().noneMatch(f.name()::startsWith));
    }
    return faults;
  }
}
