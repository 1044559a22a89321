package io.switchboard.systemtest;

import io.switchboard.common.config.TestCertificates;
import io.switchboard.gateway.auth.TokenTool;
import io.switchboard.systemtest.netns.BedProcess;
import io.switchboard.systemtest.netns.ComposeFile;
import io.switchboard.systemtest.netns.NetnsBed;
import io.switchboard.systemtest.netns.PostgresStandIn;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * This repository's docker-compose.yml on the {@link NetnsBed namespace test bed}, with what the
 * compose file expects to find beside it made fresh for each run: the cluster certificates
 * ({@code ./certs}, by {@code ./switchboard certs}) and the JWT key pair ({@code ./auth}, as
 * {@code ./switchboard keys} makes it), whose private half mints the tests' tokens. Services run
 * as {@link ClusterHarness} runs them; the {@code postgres} image is the machine's PostgreSQL.
 *
 * <p>Skipped where namespaces cannot be made (not root, no {@code ip netns}) unless
 * {@value #REQUIRE_ENV}=1 (CI), which turns the skip into a failure. {@value #ENV_ENV} adds
 * settings for every service ({@code NAME=value;NAME=value}), {@value #SCALE_ENV} replica counts
 * ({@code room=3,gateway=2}), {@value #COMPOSE_ENV} another compose file, for measurements by hand
 * (docs/reliability.md).
 */
final class ComposeBed implements AutoCloseable {

  static final String REQUIRE_ENV = "SWITCHBOARD_REQUIRE_NETNS";
  static final String ENV_ENV = "SWITCHBOARD_BED_ENV";
  static final String SCALE_ENV = "SWITCHBOARD_BED_SCALE";
  static final String COMPOSE_ENV = "SWITCHBOARD_BED_COMPOSE";

  private final NetnsBed bed;
  private final String privateKey;

  private ComposeBed(NetnsBed bed, String privateKey) {
    this.bed = bed;
    this.privateKey = privateKey;
  }

  /**
   * The interpolation variables of every run: what an operator writes into {@code .env} beside the
   * compose file before {@code docker compose up} (its top comment says what). Any value will do:
   * the stand-in PostgreSQL trusts local connections.
   */
  static final Map<String, String> VARIABLES = Map.of("SWITCHBOARD_PG_PASSWORD", "netns-bed");

  /** The compose file the bed runs: {@value #COMPOSE_ENV} if set, else the one at the root of the repository. */
  static Path composeFile() {
    String chosen = System.getenv(COMPOSE_ENV);
    if (chosen != null && !chosen.isBlank()) {
      return Path.of(chosen).toAbsolutePath();
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("docker-compose.yml")) && Files.isRegularFile(p.resolve("mvnw"))) {
        return p.resolve("docker-compose.yml");
      }
    }
    throw new IllegalStateException("no docker-compose.yml above " + Path.of("").toAbsolutePath());
  }

  /** The module a compose service is built from, as the harness's kind of process. */
  static ClusterHarness.Kind kindOf(String module) {
    return ClusterHarness.Kind.valueOf(module.replaceFirst("-service$", "").toUpperCase());
  }

  /** {@link #composeFile()}, read with {@link #VARIABLES}. */
  static ComposeFile readComposeFile() throws java.io.IOException {
    return ComposeFile.read(composeFile(), VARIABLES);
  }

  /** Aborts the test (skips it) where the bed cannot run, or fails it if the bed is required. */
  static void assumeSupported(boolean withFaults) {
    String reason = NetnsBed.unsupportedReason();
    if (reason == null && withFaults) {
      reason = NetnsBed.faultsUnavailableReason();
    }
    if (reason != null && "1".equals(System.getenv(REQUIRE_ENV))) {
      throw new IllegalStateException(REQUIRE_ENV + "=1 but " + reason);
    }
    Assumptions.assumeTrue(reason == null, reason);
  }

  /**
   * Starts the compose topology.
   *
   * @param scale replica counts instead of the file's ({@value #SCALE_ENV} wins)
   * @param overrides settings for every service on top of the file's ({@value #ENV_ENV} wins)
   */
  static ComposeBed start(Map<String, Integer> scale, Map<String, String> overrides) throws Exception {
    ComposeFile parsed = readComposeFile();
    boolean usesPostgres = parsed.services().stream().anyMatch(s -> s.image() != null && s.image().startsWith("postgres"));
    if (usesPostgres) {
      Assumptions.assumeTrue(PostgresHistoryClusterTest.postgresAvailable(), "no PostgreSQL on 127.0.0.1:5432");
    }
    Path runDir = Path.of("target", "netns-bed", UUID.randomUUID().toString().substring(0, 8)).toAbsolutePath();
    Path certs = TestCertificates.issue(runDir.resolve("certs")).dir();
    Path auth = runDir.resolve("auth");
    TokenTool.writeKeys(auth);
    Map<String, Integer> allScale = new LinkedHashMap<>(scale);
    allScale.putAll(pairs(System.getenv(SCALE_ENV), ",", Integer::valueOf));
    Map<String, String> allOverrides = new LinkedHashMap<>(overrides);
    allOverrides.putAll(pairs(System.getenv(ENV_ENV), ";", v -> v));
    NetnsBed bed = NetnsBed.start(new NetnsBed.Options(composeFile(), VARIABLES, allScale, allOverrides,
        Map.of("./certs", certs, "./auth", auth),
        module -> ClusterHarness.javaCommand(kindOf(module)), ClusterHarness::awaitReady,
        Map.of("postgres", PostgresStandIn::new),
        runDir));
    return new ComposeBed(bed, Files.readString(auth.resolve("jwt-private.pem")));
  }

  NetnsBed bed() {
    return bed;
  }

  /**
   * A JWT for {@code user} that the gateways accept as the compose file configures them (its
   * audience and issuer), granting every room.
   */
  String token(Vertx vertx, String user) {
    BedProcess gateway = bed.processes("gateway").get(0);
    String issuer = gateway.environment().getOrDefault("SWITCHBOARD_AUTH_JWT_ISSUER", "");
    return TokenTool.mint(vertx, privateKey, user, 3600, issuer.isBlank() ? null : issuer,
        gateway.environment().get("SWITCHBOARD_AUTH_JWT_AUDIENCE"), new JsonObject().put("*", "all"));
  }

  @Override
  public void close() throws Exception {
    bed.close();
  }

  private static <T> Map<String, T> pairs(String spec, String separator, java.util.function.Function<String, T> value) {
    Map<String, T> out = new LinkedHashMap<>();
    if (spec != null) {
      for (String entry : Arrays.stream(spec.split(separator)).map(String::trim).filter(e -> !e.isEmpty()).toList()) {
        int eq = entry.indexOf('=');
        out.put(entry.substring(0, eq), value.apply(entry.substring(eq + 1)));
      }
    }
    return out;
  }

  /** The gateways' WebSocket URLs. */
  List<String> gateways() {
    return bed.webSocketUrls();
  }
}
