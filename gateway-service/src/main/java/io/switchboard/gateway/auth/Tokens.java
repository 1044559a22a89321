package io.switchboard.gateway.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The gateway's token verifier: development tokens ({@code dev:<user>}) when {@code auth.devTokens}
 * is on, JWTs when keys are configured, nothing else.
 */
public final class Tokens implements TokenVerifier {

  private final TokenVerifier dev;
  private final TokenVerifier jwt;

  private Tokens(TokenVerifier dev, TokenVerifier jwt) {
    this.dev = dev;
    this.jwt = jwt;
  }

  public static Tokens create(Vertx vertx, AuthOptions options) {
    return new Tokens(options.devTokens() ? new DevTokenVerifier() : null,
        options.jwtConfigured() ? new JwtTokenVerifier(vertx, options) : null);
  }

  @Override
  public Future<Principal> verify(String token) {
    if (token == null || token.isEmpty()) {
      return Future.failedFuture(new InvalidTokenException("no token"));
    }
    if (token.startsWith(DevTokenVerifier.PREFIX)) {
      return dev != null ? dev.verify(token)
          : Future.failedFuture(new InvalidTokenException("development tokens are disabled on this gateway"));
    }
    return jwt != null ? jwt.verify(token) : Future.failedFuture(new InvalidTokenException("JWTs are not configured"));
  }
}
