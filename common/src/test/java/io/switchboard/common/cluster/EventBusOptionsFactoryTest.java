package io.switchboard.common.cluster;

import io.switchboard.common.config.ClusterOptions;
import io.switchboard.common.config.ClusterTlsOptions;
import io.switchboard.common.config.ConfigSource;
import io.switchboard.common.config.TestCertificates;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class EventBusOptionsFactoryTest {

  private static final ClusterOptions CLUSTER = ClusterOptions.from(new ConfigSource(new JsonObject(),
      Map.of("SWITCHBOARD_CLUSTER_BIND_HOST", "10.1.2.3", "SWITCHBOARD_CLUSTER_EVENT_BUS_PORT", "6801")));

  @Test
  void theEventBusListensOnTheClusterInterfaceAndItsFixedPort() {
    EventBusOptions options = EventBusOptionsFactory.configure(new EventBusOptions(), CLUSTER, Optional.empty());
    assertThat(options.getHost()).isEqualTo("10.1.2.3");
    assertThat(options.getPort()).isEqualTo(6801);
    assertThat(options.getClusterPublicHost()).isEqualTo("10.1.2.3");
    assertThat(options.isSsl()).isFalse();
  }

  @Test
  void withTlsEveryConnectionNeedsACertificateFromTheClusterCaOnBothSides(@TempDir Path dir) throws Exception {
    TestCertificates certs = TestCertificates.issue(dir);
    ClusterTlsOptions tls = ClusterTlsOptions.from(new ConfigSource(new JsonObject(), certs.env())).orElseThrow();
    EventBusOptions options = EventBusOptionsFactory.configure(new EventBusOptions(), CLUSTER, Optional.of(tls));
    assertThat(options.isSsl()).isTrue();
    assertThat(options.getClientAuth()).isEqualTo(ClientAuth.REQUIRED);
    assertThat(options.isTrustAll()).isFalse();
    assertThat(options.getEnabledSecureTransportProtocols()).containsExactly("TLSv1.3");
    assertThat(((PemTrustOptions) options.getTrustOptions()).getCertPaths()).containsExactly(certs.ca().toString());
    PemKeyCertOptions keyCert = (PemKeyCertOptions) options.getKeyCertOptions();
    assertThat(keyCert.getCertPaths()).containsExactly(certs.cert().toString());
    assertThat(keyCert.getKeyPaths()).containsExactly(certs.key().toString());
  }
}
