package io.switchboard.gateway.auth;

/**
 * Who a connection or an HTTP request is: the subject of a verified token, when the token stops
 * being valid, and the rooms it grants.
 *
 * @param user user id (the token's {@code sub})
 * @param expiresAt epoch milliseconds after which the token is no longer valid (its {@code exp}
 *     plus the clock-skew allowance); {@link #NEVER} for development tokens
 * @param grants rooms the token grants beyond what the namespace policies allow everyone
 */
public record Principal(String user, long expiresAt, RoomGrants grants) {

  public static final long NEVER = Long.MAX_VALUE;

  public boolean expires() {
    return expiresAt != NEVER;
  }
}
