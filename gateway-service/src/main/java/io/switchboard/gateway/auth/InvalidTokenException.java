package io.switchboard.gateway.auth;

/** A token was rejected; the message says why in terms safe to show the client (never a key or a stack). */
public final class InvalidTokenException extends RuntimeException {
  public InvalidTokenException(String reason) {
    super(reason, null, false, false);
  }
}
