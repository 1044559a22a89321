package io.switchboard.gateway.auth;

import io.switchboard.common.config.ConfigException;
import io.switchboard.common.config.ConfigSource;
import io.vertx.core.json.JsonArray;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How the gateway authenticates connections and HTTP requests, and the room policies (see
 * docs/security.md). Key material is read once, when the options are built at start-up.
 *
 * @param devTokens accept {@code dev:<user>} tokens (anyone may be anyone: local clusters only)
 * @param publicKeysPem PEM public keys (or certificates) verifying RS256/384/512 and ES256/384/512 tokens
 * @param jwks JSON Web Key Set documents ({@code {"keys": [...]}}) verifying tokens
 * @param hmacSecret HS256 secret (at least 32 bytes), or null
 * @param issuer required {@code iss}, or null to accept any
 * @param audience accepted {@code aud} values (one must match), or empty to accept any
 * @param clockSkewSeconds allowance on {@code exp}, {@code nbf} and {@code iat}
 * @param requireExpiry refuse tokens without {@code exp}
 * @param roomsClaim name of the claim holding room grants
 * @param policy namespace policies
 */
public record AuthOptions(
    boolean devTokens,
    List<String> publicKeysPem,
    List<String> jwks,
    String hmacSecret,
    String issuer,
    List<String> audience,
    int clockSkewSeconds,
    boolean requireExpiry,
    String roomsClaim,
    RoomPolicy policy) {

  public AuthOptions {
    publicKeysPem = List.copyOf(publicKeysPem);
    jwks = List.copyOf(jwks);
    audience = List.copyOf(audience);
    if (hmacSecret != null && hmacSecret.getBytes(StandardCharsets.UTF_8).length < 32) {
      throw new ConfigException("auth.jwt.hmacSecret must be at least 32 bytes");
    }
    if (clockSkewSeconds < 0 || clockSkewSeconds > 300) {
      throw new ConfigException("auth.jwt.clockSkewSeconds must be within 0..300, was " + clockSkewSeconds);
    }
    if (!devTokens && !jwtConfigured(publicKeysPem, jwks, hmacSecret)) {
      throw new ConfigException("no way to authenticate anyone: configure auth.jwt.publicKeys, auth.jwt.jwksPath or "
          + "auth.jwt.hmacSecret, or set auth.devTokens=true for a local development cluster");
    }
  }

  /** Reads {@code auth.*}, including the key files it names. Blocking: call at start-up. */
  public static AuthOptions from(ConfigSource src) {
    List<String> pems = new ArrayList<>();
    for (String path : src.list("auth.jwt.publicKeys", List.of())) {
      pems.add(read("auth.jwt.publicKeys", path));
    }
    String jwksPath = src.string("auth.jwt.jwksPath", null);
    String secret = src.string("auth.jwt.hmacSecret", null);
    String secretPath = src.string("auth.jwt.hmacSecretPath", null);
    if (secret == null && secretPath != null) {
      secret = read("auth.jwt.hmacSecretPath", secretPath).strip();
    }
    JsonArray namespaces = src.jsonArray("auth.namespaces", null);
    return new AuthOptions(
        src.bool("auth.devTokens", false),
        pems,
        jwksPath == null ? List.of() : List.of(read("auth.jwt.jwksPath", jwksPath)),
        blankToNull(secret),
        blankToNull(src.string("auth.jwt.issuer", null)),
        src.list("auth.jwt.audience", List.of()),
        src.integer("auth.jwt.clockSkewSeconds", 10),
        src.bool("auth.jwt.requireExpiry", true),
        src.string("auth.jwt.roomsClaim", "rooms"),
        namespaces == null ? RoomPolicy.defaults() : RoomPolicy.from(namespaces));
  }

  public boolean jwtConfigured() {
    return jwtConfigured(publicKeysPem, jwks, hmacSecret);
  }

  private static boolean jwtConfigured(List<String> pems, List<String> jwks, String secret) {
    return !pems.isEmpty() || !jwks.isEmpty() || secret != null;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static String read(String key, String path) {
    try {
      return Files.readString(Path.of(path), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(key + ": cannot read " + path + ": " + e.getMessage());
    }
  }

  @Override
  public String toString() {
    // Never print the secret.
    return "AuthOptions[devTokens=" + devTokens + ", publicKeys=" + publicKeysPem.size() + ", jwks=" + jwks.size()
        + ", hmac=" + (hmacSecret != null) + ", issuer=" + issuer + ", audience=" + audience
        + ", clockSkewSeconds=" + clockSkewSeconds + ", requireExpiry=" + requireExpiry + ", roomsClaim=" + roomsClaim
        + ", namespaces=" + policy.namespaces() + "]";
  }
}
