package io.switchboard.common.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Event-bus TLS is all or nothing, and a wrong file stops the service with its key named. */
class ClusterTlsOptionsTest {

  @TempDir
  static Path dir;
  private static TestCertificates cluster;
  private static TestCertificates other;

  @BeforeAll
  static void issueCertificates() throws Exception {
    cluster = TestCertificates.issue(dir.resolve("cluster"));
    other = TestCertificates.issue(dir.resolve("other"));
  }

  private static Optional<ClusterTlsOptions> from(Map<String, String> env) {
    return ClusterTlsOptions.from(new ConfigSource(new JsonObject(), env));
  }

  private static Map<String, String> env(Path cert, Path key, Path ca) {
    return Map.of("SWITCHBOARD_CLUSTER_TLS_CERT_PATH", cert.toString(), "SWITCHBOARD_CLUSTER_TLS_KEY_PATH", key.toString(),
        "SWITCHBOARD_CLUSTER_TLS_CA_PATH", ca.toString());
  }

  @Test
  void noTlsKeyAtAllMeansAPlaintextEventBus() {
    assertThat(ClusterTlsOptions.from(ConfigSource.empty())).isEmpty();
  }

  @Test
  void theCertificatesOfSwitchboardCertsGiveMutualTls() {
    ClusterTlsOptions tls = from(cluster.env()).orElseThrow();
    assertThat(tls.certPath()).isEqualTo(cluster.cert());
    assertThat(tls.keyPath()).isEqualTo(cluster.key());
    assertThat(tls.caPath()).isEqualTo(cluster.ca());
    assertThat(tls.certificateExpiry()).as("825 days from now")
        .isBetween(Instant.now().plus(Duration.ofDays(824)), Instant.now().plus(Duration.ofDays(826)));
  }

  @Test
  void theKeysCanComeFromTheJsonFile() {
    JsonObject json = new JsonObject().put("cluster", new JsonObject().put("tls", new JsonObject()
        .put("certPath", cluster.cert().toString()).put("keyPath", cluster.key().toString())
        .put("caPath", cluster.ca().toString())));
    assertThat(ClusterTlsOptions.from(new ConfigSource(json, Map.of()))).isPresent();
  }

  @ParameterizedTest
  @ValueSource(strings = {"SWITCHBOARD_CLUSTER_TLS_CERT_PATH", "SWITCHBOARD_CLUSTER_TLS_KEY_PATH", "SWITCHBOARD_CLUSTER_TLS_CA_PATH"})
  void aHalfConfiguredTlsStopsTheServiceNamingTheMissingKey(String absent) {
    Map<String, String> env = new HashMap<>(cluster.env());
    env.remove(absent);
    assertThatThrownBy(() -> from(env)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("half configured").hasMessageContaining(absent);
  }

  @Test
  void anEmptyValueCountsAsMissing() {
    Map<String, String> env = new HashMap<>(cluster.env());
    env.put("SWITCHBOARD_CLUSTER_TLS_CA_PATH", " ");
    assertThatThrownBy(() -> from(env)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("cluster.tls.caPath").hasMessageContaining("SWITCHBOARD_CLUSTER_TLS_CA_PATH");
  }

  @Test
  void aMissingFileIsNamedWithItsKey() {
    Path absent = dir.resolve("absent.pem");
    assertThatThrownBy(() -> from(env(cluster.cert(), cluster.key(), absent))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("cluster.tls.caPath").hasMessageContaining(absent.toString()).hasMessageContaining("does not exist");
  }

  @Test
  void aFileThatIsNotACertificateIsNamedWithItsKey() {
    assertThatThrownBy(() -> from(env(cluster.key(), cluster.key(), cluster.ca()))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("cluster.tls.certPath").hasMessageContaining("no PEM certificate");
  }

  @Test
  void aKeyInTheTraditionalFormatGetsTheConversionCommand() throws Exception {
    Path traditional = dir.resolve("traditional.key");
    Files.writeString(traditional, "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n");
    assertThatThrownBy(() -> from(env(cluster.cert(), traditional, cluster.ca()))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("cluster.tls.keyPath").hasMessageContaining("openssl pkcs8 -topk8");
  }

  @Test
  void theKeyOfAnotherCertificateIsRefused() {
    assertThatThrownBy(() -> from(env(cluster.cert(), other.key(), cluster.ca()))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("cluster.tls.keyPath").hasMessageContaining("is not the private key of the certificate");
  }

  @Test
  void aCertificateFromAnotherCaIsRefused() {
    assertThatThrownBy(() -> from(env(other.cert(), other.key(), cluster.ca()))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("cluster.tls.certPath").hasMessageContaining("is not issued by the CA in cluster.tls.caPath");
  }
}
