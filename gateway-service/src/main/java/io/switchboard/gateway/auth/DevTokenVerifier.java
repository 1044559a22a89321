package io.switchboard.gateway.auth;

import io.vertx.core.Future;

import java.util.regex.Pattern;

/**
 * Development tokens {@code dev:<userId>}: anyone may claim any user id, with no grants and no
 * expiry. Only when {@code auth.devTokens} is on (the local cluster); never on a public deployment.
 */
final class DevTokenVerifier implements TokenVerifier {

  static final String PREFIX = "dev:";
  private static final Pattern USER = Pattern.compile("[A-Za-z0-9_.\\-]{1,64}");

  @Override
  public Future<Principal> verify(String token) {
    String user = token.substring(PREFIX.length());
    if (!USER.matcher(user).matches()) {
      return Future.failedFuture(new InvalidTokenException("a development token is dev:<user id>, [A-Za-z0-9_.-]{1,64}"));
    }
    return Future.succeededFuture(new Principal(user, Principal.NEVER, RoomGrants.NONE));
  }
}
