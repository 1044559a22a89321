package io.switchboard.gateway.edge;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which browser pages may open a WebSocket to this gateway (a cross-site WebSocket hijacking
 * defence). A browser always sends {@code Origin} with a WebSocket handshake: allowed are the
 * gateway's own pages (the origin's host and port equal the request's {@code Host}), the listed
 * origins, or any origin when the list holds {@code *}. A request without {@code Origin} is not
 * from a browser page and passes; it still needs a token.
 */
public final class OriginPolicy {

  private final boolean any;
  private final Set<String> allowed;

  public OriginPolicy(List<String> allowedOrigins) {
    this.any = allowedOrigins.contains("*");
    this.allowed = allowedOrigins.stream().map(OriginPolicy::normalise).collect(Collectors.toUnmodifiableSet());
  }

  /**
   * @param origin the {@code Origin} header, or null
   * @param host the {@code Host} header, or null
   */
  public boolean allows(String origin, String host) {
    if (origin == null || any) {
      return true;
    }
    String o = normalise(origin);
    if (allowed.contains(o)) {
      return true;
    }
    if (host == null) {
      return false;
    }
    try {
      URI u = URI.create(o);
      String authority = u.getRawAuthority();
      return authority != null && authority.equals(host.toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String normalise(String origin) {
    String o = origin.trim().toLowerCase(Locale.ROOT);
    return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
  }
}
