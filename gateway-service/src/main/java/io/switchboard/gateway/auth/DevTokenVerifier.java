package io.switchboard.gateway.auth;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Development tokens {@code dev:<userId>}: anyone may claim any user id. For local clusters and
 * tests until real authentication lands; never enable it on a public deployment.
 */
public final class DevTokenVerifier implements TokenVerifier {

  private static final Pattern USER = Pattern.compile("[A-Za-z0-9_.\\-]{1,64}");

  @Override
  public Optional<String> verify(String token) {
    if (token == null || !token.startsWith("dev:")) {
      return Optional.empty();
    }
    String user = token.substring(4);
    return USER.matcher(user).matches() ? Optional.of(user) : Optional.empty();
  }
}
