package io.switchboard.bench.load;

import io.switchboard.bench.Args;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

class LoadTargetTest {

  @Test
  void givenPidsAreKeptInTheOrderGivenAndUrlsSplitOnCommas() throws Exception {
    LoadTarget target = LoadTarget.from(new Args(new String[] {"--target", "control", "--urls", "ws://a:1/ws/v1,ws://b:2/ws/v1",
        "--pids", "zeta=12,alpha=7"}));

    assertThat(target.name()).isEqualTo("control");
    assertThat(target.urls()).containsExactly("ws://a:1/ws/v1", "ws://b:2/ws/v1");
    assertThat(target.pids()).containsExactly(entry("zeta", 12L), entry("alpha", 7L));
  }

  @Test
  void withoutPidsEveryPidFileOfTheRunDirectoryIsMeasuredInNameOrder(@TempDir Path run) throws Exception {
    Files.writeString(run.resolve("room-1.pid"), "300\n");
    Files.writeString(run.resolve("gateway-2.pid"), "200\n");
    Files.writeString(run.resolve("gateway-1.pid"), "100\n");
    Files.writeString(run.resolve("gateway-1.log"), "not a pid");

    LoadTarget target = LoadTarget.from(new Args(new String[] {"--run-dir", run.toString()}));

    assertThat(target.name()).isEqualTo("switchboard");
    assertThat(target.urls()).containsExactly("ws://127.0.0.1:8080/ws/v1", "ws://127.0.0.1:8081/ws/v1");
    assertThat(target.pids()).containsExactly(entry("gateway-1", 100L), entry("gateway-2", 200L), entry("room-1", 300L));
  }

  @Test
  void aRunDirectoryWithoutPidFilesIsRefused(@TempDir Path run) {
    assertThatThrownBy(() -> LoadTarget.from(new Args(new String[] {"--run-dir", run.toString()})))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no server processes: give --pids or start ./switchboard");
  }
}
