package io.switchboard.gateway.auth;

import io.switchboard.common.protocol.Text;

/**
 * What a user id (a token's {@code sub}) may be: 1 to 128 characters of well-formed text with no
 * control character, so it can be logged, stored and compared safely. A user owns a
 * {@code user:<id>} room only if {@code user:<id>} is also a valid room id.
 */
final class Subjects {

  static final int MAX_LENGTH = 128;

  private Subjects() {
  }

  static boolean isValid(String user) {
    return user != null && !user.isEmpty() && user.length() <= MAX_LENGTH && Text.isPlain(user);
  }
}
