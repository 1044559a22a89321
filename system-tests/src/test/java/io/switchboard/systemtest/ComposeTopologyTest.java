package io.switchboard.systemtest;

import io.switchboard.systemtest.netns.ComposeFile;
import io.switchboard.systemtest.netns.ComposeService;
import io.switchboard.systemtest.netns.Replica;
import io.switchboard.systemtest.netns.Topology;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the namespace test bed reads from a compose file, without running anything: the real
 * docker-compose.yml maps onto services this repository builds, with every setting resolved; and
 * a fixture in every shape the file may take resolves as Compose would resolve it.
 */
class ComposeTopologyTest {

  private static final Path FIXTURE = Path.of("src", "test", "resources", "netns", "compose-fixture.yml");

  @Test
  void theRepositorysComposeFileMapsEveryServiceOntoAModuleOrAKnownImage() throws Exception {
    ComposeFile compose = ComposeBed.readComposeFile();
    assertThat(compose.services()).extracting(ComposeService::name).contains("history", "room", "presence", "gateway");
    for (ComposeService s : compose.services()) {
      if (s.isBuilt()) {
        assertThat(ComposeBed.kindOf(s.module())).as("the process of %s", s.name()).isNotNull();
      } else {
        assertThat(s.image()).as("an image the bed stands in for").startsWith("postgres");
      }
    }
    assertThat(compose.service("room").replicas()).isEqualTo(2);
    assertThat(compose.startWaves().get(0)).extracting(ComposeService::name).doesNotContain("room", "gateway");
    assertThat(compose.isOnPublicNetwork(compose.service("gateway"))).isTrue();
    assertThat(compose.isOnPublicNetwork(compose.service("room"))).isFalse();
  }

  @Test
  void theRepositorysComposeEnvironmentResolvesToTheRunsFilesAndItsNamesToBridgeAddresses() throws Exception {
    Topology topology = new Topology(ComposeBed.readComposeFile(), Map.of("gateway", 2));
    // Every member service is a seed, so that the smaller side of a split can reach the bigger side's master.
    String seeds = String.join(",", Stream.of("history", "room", "presence", "gateway")
        .flatMap(service -> topology.replicasOf(service).stream()).map(r -> r.address() + ":5701").toList());
    for (Replica r : topology.replicas()) {
      assertThat(r.address()).startsWith("198.18.").isNotEqualTo(Topology.HOST_ADDRESS);
      if (!r.service().isBuilt()) {
        continue;
      }
      Map<String, String> env = topology.environment(r, Map.of("./certs", "/run-dir/certs", "./auth", "/run-dir/auth"), Map.of());
      assertThat(env).as("%s", r.name())
          .containsEntry("SWITCHBOARD_CLUSTER_MEMBERS", seeds)
          .containsEntry("SWITCHBOARD_CLUSTER_BIND_HOST", "auto")
          .containsEntry("SWITCHBOARD_CLUSTER_TLS_CERT_PATH", "/run-dir/certs/node.pem")
          .containsEntry("SWITCHBOARD_CLUSTER_TLS_CA_PATH", "/run-dir/certs/ca.pem");
      assertThat(env.values()).as("%s: no uninterpolated variable", r.name()).noneMatch(v -> v.contains("${"));
      assertThat(topology.hostsFile(r, "box")).as("the hosts file of %s", r.name())
          .contains(r.address() + "\tbox\n")
          .contains(topology.replicasOf("history").stream().map(h -> h.address() + "\t" + h.name() + " history\n").toList());
    }
    Map<String, String> gateway = topology.environment(topology.replica("gateway-2"), Map.of("./auth", "/run-dir/auth"), Map.of());
    assertThat(gateway).containsEntry("SWITCHBOARD_AUTH_JWT_PUBLIC_KEYS", "/run-dir/auth/jwt-public.pem")
        .containsEntry("SWITCHBOARD_AUTH_JWT_ISSUER", "");
    assertThat(topology.replicasOf("gateway")).hasSize(2);
    assertThat(topology.replicas()).extracting(Replica::address).doesNotHaveDuplicates();
  }

  @Test
  void anchorsMergeKeysAndInterpolationResolveAsComposeResolvesThem() throws Exception {
    ComposeFile compose = ComposeFile.read(FIXTURE, Map.of("FROM_VARIABLES", "given"));
    ComposeService history = compose.service("history");
    assertThat(history.module()).isEqualTo("history-service");
    assertThat(history.replicas()).isEqualTo(2);
    assertThat(history.environment())
        .containsEntry("GREETING", "hello")
        .containsEntry("EMPTY_DEFAULT", "")
        .containsEntry("LITERAL", "$HOME")
        .containsEntry("SWITCHBOARD_HISTORY_STORE", "postgres");
    assertThat(compose.service("room").module()).as("from the merged anchor").isEqualTo("room-service");
    assertThat(compose.service("room").dependsOn()).containsExactly("history");
    assertThat(compose.service("gateway").environment()).containsEntry("FROM_VARIABLES", "given");
    assertThat(compose.service("postgres").image()).isEqualTo("postgres:16");
    assertThat(compose.startWaves()).extracting(wave -> wave.stream().map(ComposeService::name).toList())
        .containsExactly(List.of("postgres"), List.of("history"), List.of("room"), List.of("gateway"));
    assertThat(ComposeFile.read(FIXTURE, Map.of("GREETING", "hi")).service("room").environment()).containsEntry("GREETING", "hi");
  }

  @Test
  void scaleOverridesReplicasEveryReplicaGetsItsOwnAddressAndNamesResolveToThem() throws Exception {
    Topology topology = new Topology(ComposeFile.read(FIXTURE, Map.of()), Map.of("room", 3));
    assertThat(topology.replicasOf("room")).extracting(Replica::name).containsExactly("room-1", "room-2", "room-3");
    assertThat(topology.replicasOf("room")).extracting(Replica::address).containsExactly("198.18.3.1", "198.18.3.2", "198.18.3.3");
    assertThat(topology.replica("postgres-1").address()).isEqualTo("198.18.1.1");
    assertThat(topology.replica("room-2").namespace()).isEqualTo("sb-room-2");
    assertThat(topology.hostsFile(topology.replica("room-2"), "box")).isEqualTo("""
        127.0.0.1\tlocalhost
        ::1\tlocalhost
        198.18.1.1\tpostgres-1 postgres
        198.18.2.1\thistory-1 history
        198.18.2.2\thistory-2 history
        198.18.3.1\troom-1 room
        198.18.3.2\troom-2 room
        198.18.3.3\troom-3 room
        198.18.4.1\tgateway-1 gateway
        198.18.3.2\tbox
        """);
    Map<String, String> room = topology.environment(topology.replica("room-2"), Map.of("./certs", "/c"), Map.of("EXTRA", "x"));
    assertThat(room).containsEntry("SWITCHBOARD_CLUSTER_MEMBERS", "198.18.2.1:5701,198.18.2.2:5701")
        .containsEntry("SWITCHBOARD_CLUSTER_TLS_CA_PATH", "/c/ca.pem")
        .containsEntry("EXTRA", "x");
    assertThat(topology.environment(topology.replica("gateway-1"), Map.of(), Map.of()))
        .containsEntry("SWITCHBOARD_CLUSTER_MEMBERS", "198.18.2.1,198.18.2.2,198.18.3.1,198.18.3.2,198.18.3.3");
    assertThat(topology.environment(topology.replica("history-1"), Map.of(), Map.of()))
        .as("other settings keep their names, which the hosts file resolves")
        .containsEntry("SWITCHBOARD_HISTORY_PG_HOST", "postgres").containsEntry("SWITCHBOARD_HISTORY_STORE", "postgres");
    assertThatThrownBy(() -> new Topology(ComposeFile.read(FIXTURE, Map.of()), Map.of("nosuch", 1)))
        .hasMessageContaining("nosuch");
  }
}
