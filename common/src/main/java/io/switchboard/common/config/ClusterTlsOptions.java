package io.switchboard.common.config;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Mutual TLS of the clustered event bus: this member's certificate and key, and the private
 * cluster CA that every member's certificate must chain to. Peers are verified by that chain only
 * (members reach each other by IP address, so there is no host name to verify): whoever holds a
 * certificate from this CA is a member, so the CA must be the cluster's own.
 *
 * <p>All three paths or none: a partial setting stops the service instead of running in plaintext.
 * The files are read and checked once, at start-up ({@link #from}).
 *
 * @param certPath PEM certificate of this member, optionally followed by intermediate CAs
 * @param keyPath PEM private key (PKCS#8, unencrypted) of that certificate
 * @param caPath PEM certificates of the cluster CA(s) peers must chain to
 * @param certificateExpiry when the member certificate expires: every member using it must have a
 *     new one before then
 */
public record ClusterTlsOptions(Path certPath, Path keyPath, Path caPath, Instant certificateExpiry) {

  public static final String CERT_PATH = "cluster.tls.certPath";
  public static final String KEY_PATH = "cluster.tls.keyPath";
  public static final String CA_PATH = "cluster.tls.caPath";

  public ClusterTlsOptions {
    Objects.requireNonNull(certPath, CERT_PATH);
    Objects.requireNonNull(keyPath, KEY_PATH);
    Objects.requireNonNull(caPath, CA_PATH);
    Objects.requireNonNull(certificateExpiry, "certificateExpiry");
  }

  /**
   * The TLS setting of {@code src}: empty when none of the three keys is set (a plaintext event
   * bus), otherwise checked options.
   *
   * @throws ConfigException naming the key when only some keys are set, or when a file is missing,
   *     unreadable or malformed, the key does not belong to the certificate, or the certificate
   *     does not chain to the CA or is not valid now
   */
  public static Optional<ClusterTlsOptions> from(ConfigSource src) {
    Map<String, String> paths = new LinkedHashMap<>();
    for (String key : List.of(CERT_PATH, KEY_PATH, CA_PATH)) {
      String value = src.string(key, null);
      if (value != null) {
        paths.put(key, value);
      }
    }
    if (paths.isEmpty()) {
      return Optional.empty();
    }
    List<String> missing = new ArrayList<>();
    for (String key : List.of(CERT_PATH, KEY_PATH, CA_PATH)) {
      if (paths.getOrDefault(key, "").isBlank()) {
        missing.add(key + " (env " + ConfigSource.envName(key) + ")");
      }
    }
    if (!missing.isEmpty()) {
      throw new ConfigException("event-bus TLS is half configured: " + String.join(" and ", missing)
          + (missing.size() == 1 ? " is" : " are") + " not set. Set all of " + CERT_PATH + ", " + KEY_PATH
          + " and " + CA_PATH + " (the event bus then requires TLS with client certificates), or none of them");
    }
    Path cert = Path.of(paths.get(CERT_PATH)).toAbsolutePath();
    Path key = Path.of(paths.get(KEY_PATH)).toAbsolutePath();
    Path ca = Path.of(paths.get(CA_PATH)).toAbsolutePath();
    Instant expiry = PemCredentials.check(new PemCredentials.PemFile(CERT_PATH, cert),
        new PemCredentials.PemFile(KEY_PATH, key), new PemCredentials.PemFile(CA_PATH, ca));
    return Optional.of(new ClusterTlsOptions(cert, key, ca, expiry));
  }
}
