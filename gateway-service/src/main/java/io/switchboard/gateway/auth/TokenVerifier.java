package io.switchboard.gateway.auth;

import io.vertx.core.Future;

/**
 * Turns a token (of {@code hello}, {@code refresh} or an HTTP {@code Authorization: Bearer}) into
 * a {@link Principal}, or fails with {@link InvalidTokenException}.
 */
public interface TokenVerifier {
  Future<Principal> verify(String token);
}
