package io.switchboard.gateway.auth;

import io.switchboard.common.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.impl.jose.JWK;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.util.ArrayList;
import java.util.List;

/**
 * Verifies JSON Web Tokens with vertx-auth-jwt: the signature against the configured keys (RS*,
 * ES* from PEM or JWKS, HS256 from a shared secret; {@code alg: none} never), then {@code exp},
 * {@code nbf} and {@code iat} with the clock-skew allowance, {@code iss} and {@code aud} when
 * configured. The user is {@code sub}; grants come from the rooms claim. An algorithm is only
 * accepted with a key of its own kind, so an HS256 token "signed" with an RSA public key finds no
 * HMAC key and fails.
 */
final class JwtTokenVerifier implements TokenVerifier {

  /** Longest token accepted; real ones are a few hundred bytes to a few KB. */
  static final int MAX_TOKEN_CHARS = 8192;
  /** Year 5138: far beyond any real expiry, and far from overflowing when turned into milliseconds. */
  private static final long MAX_EXP_SECONDS = 100_000_000_000L;

  private final JWTAuth jwt;
  private final AuthOptions options;

  JwtTokenVerifier(Vertx vertx, AuthOptions options) {
    this.options = options;
    JWTOptions checks = new JWTOptions().setLeeway(options.clockSkewSeconds()).setIssuer(options.issuer());
    if (!options.audience().isEmpty()) {
      checks.setAudience(options.audience());
    }
    JWTAuthOptions config = new JWTAuthOptions().setJWTOptions(checks);
    for (String pem : options.publicKeysPem()) {
      for (String alg : PemKeys.algorithms(pem)) {
        config.addPubSecKey(new PubSecKeyOptions().setAlgorithm(alg).setBuffer(pem));
      }
    }
    if (options.hmacSecret() != null) {
      config.addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(options.hmacSecret()));
    }
    List<JsonObject> jwks = new ArrayList<>();
    for (String document : options.jwks()) {
      for (Object key : new JsonObject(document).getJsonArray("keys")) {
        JsonObject jwk = (JsonObject) key;
        try {
          new JWK(jwk); // vertx-auth-jwt skips unusable keys with a warning; refuse them here instead
        } catch (RuntimeException e) {
          throw new ConfigException("auth.jwt.jwksPath: unusable key " + jwk.getString("kid", "") + ": " + e);
        }
        jwks.add(jwk);
      }
    }
    config.setJwks(jwks);
    this.jwt = JWTAuth.create(vertx, config);
  }

  @Override
  public Future<Principal> verify(String token) {
    if (token.length() > MAX_TOKEN_CHARS) {
      return Future.failedFuture(new InvalidTokenException("token longer than " + MAX_TOKEN_CHARS + " chars"));
    }
    try {
      return jwt.authenticate(new TokenCredentials(token))
          .recover(e -> Future.failedFuture(new InvalidTokenException(reason(e))))
          .map(user -> principal(user.attributes().getJsonObject("accessToken")));
    } catch (RuntimeException e) {
      // vertx-auth-jwt reads claims of the wrong JSON type by throwing, not by failing the future.
      return Future.failedFuture(new InvalidTokenException("malformed claims"));
    }
  }

  private Principal principal(JsonObject claims) {
    if (!(claims.getValue("sub") instanceof String sub) || !Subjects.isValid(sub)) {
      throw new InvalidTokenException("sub must be a user id of 1 to " + Subjects.MAX_LENGTH + " characters");
    }
    Object exp = claims.getValue("exp");
    if (exp == null && options.requireExpiry()) {
      throw new InvalidTokenException("the token has no exp");
    }
    if (exp != null && !(exp instanceof Number n && n.longValue() > 0 && n.longValue() < MAX_EXP_SECONDS)) {
      throw new InvalidTokenException("exp must be a NumericDate (seconds since the epoch)");
    }
    long expiresAt = exp == null ? Principal.NEVER
        : (((Number) exp).longValue() + options.clockSkewSeconds()) * 1000L;
    RoomGrants grants;
    try {
      grants = RoomGrants.parse(claims.getValue(options.roomsClaim()));
    } catch (IllegalArgumentException e) {
      throw new InvalidTokenException(e.getMessage());
    }
    return new Principal(sub, expiresAt, grants);
  }

  /** A reason safe to show: what kind of check failed, never key material. */
  private static String reason(Throwable e) {
    String m = String.valueOf(e.getMessage());
    if (m.contains("expired")) {
      return "token expired or not yet valid";
    }
    if (m.contains("audience")) {
      return "wrong audience";
    }
    if (m.contains("issuer")) {
      return "wrong issuer";
    }
    return "signature or format not accepted";
  }
}
