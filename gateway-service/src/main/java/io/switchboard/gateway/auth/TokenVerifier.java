package io.switchboard.gateway.auth;

import java.util.Optional;

/** Turns the token of a {@code hello} frame into a user id, or rejects it. */
public interface TokenVerifier {
  Optional<String> verify(String token);
}
