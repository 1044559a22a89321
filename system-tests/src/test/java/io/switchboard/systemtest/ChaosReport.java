package io.switchboard.systemtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The chaos run's table, as markdown, for bench/run-chaos.sh to put into docs/reliability.md
 * between {@code <!-- chaos:begin -->} and {@code <!-- chaos:end -->}.
 */
final class ChaosReport {

  /** Relative to the system-tests module, where Maven runs the tests. */
  static final Path TABLE = Path.of("target", "chaos", "table.md");

  private ChaosReport() {
  }

  static void write(ChaosProfile profile, String topology, List<ChaosOutcome> outcomes) throws IOException {
    StringBuilder md = new StringBuilder()
        .append("Run `bench/run-chaos.sh ").append(profile.label()).append("` on ")
        .append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append(", ").append(topology).append(".\n\n")
        .append("| fault | target | rooms affected (> ").append(ChaosOutcome.AFFECTED.toSeconds())
        .append(" s without acks) | max write outage | lost | dup | gap | divergent |\n")
        .append("|---|---|---|---|---|---|---|---|\n");
    outcomes.forEach(o -> md.append(o.tableRow()).append('\n'));
    Files.createDirectories(TABLE.getParent());
    Files.writeString(TABLE, md);
  }
}
