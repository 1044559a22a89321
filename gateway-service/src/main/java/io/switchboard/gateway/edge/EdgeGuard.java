package io.switchboard.gateway.edge;

import io.switchboard.common.log.LogLimiter;
import io.switchboard.common.protocol.ErrorCode;
import io.switchboard.gateway.http.HttpErrors;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Guards one gateway instance's HTTP server before any WebSocket exists: every new TCP connection
 * takes an unauthenticated slot from {@link Admission}, and must complete its HTTP request within
 * the upgrade deadline (or is closed: slowloris). A plain HTTP request (chat page, history API)
 * re-arms the deadline once answered, so an idle keep-alive connection does not hold its slot
 * either. A connection upgraded to a WebSocket hands its slot to the session, which releases it on
 * {@code hello} or close.
 *
 * <p>A connection over the caps, or over the process's pace of new connections
 * ({@code gateway.connectRate}), is refused, and told when to come back: its request, if it arrives
 * within {@link #REFUSAL_DEADLINE}, is answered {@code 503} with a {@code Retry-After} of 1 to 5 s,
 * spread at random so that the clients refused together do not return together. Answering takes a
 * refusal slot ({@link Admission#admitRefusal}); without one, the connection is closed at once. Event-loop
 * confined.
 */
public final class EdgeGuard {

  private static final Logger log = LoggerFactory.getLogger(EdgeGuard.class);
  /** How long a refused connection has to send its request before it is closed unanswered. */
  static final Duration REFUSAL_DEADLINE = Duration.ofSeconds(1);
  /** The range of {@code Retry-After} seconds given to a refused connection: the SDK's first reconnect window. */
  static final int MIN_RETRY_AFTER_S = 1;
  static final int MAX_RETRY_AFTER_S = 5;

  private final Vertx vertx;
  private final Admission admission;
  private final LogLimiter logLimiter;
  private final Map<HttpConnection, Pending> pending = new HashMap<>();

  public EdgeGuard(Vertx vertx, Admission admission, LogLimiter logLimiter) {
    this.vertx = vertx;
    this.admission = admission;
    this.logLimiter = logLimiter;
  }

  /**
   * Answers {@code 503} with {@code Retry-After} and the protocol's {@code unavailable} body: this
   * gateway cannot take the request now; the client may retry after that many seconds, here or at
   * another gateway.
   */
  public static void unavailable(RoutingContext rc, int retryAfterSeconds, String message) {
    rc.response().putHeader("Retry-After", String.valueOf(retryAfterSeconds));
    HttpErrors.send(rc, 503, ErrorCode.UNAVAILABLE, message);
  }

  /** Install as the HTTP server's connection handler. */
  public void onConnection(HttpConnection conn) {
    String ip = conn.remoteAddress().hostAddress();
    if (admission.admitUnauthenticated(ip)) {
      track(conn, new Pending(ip, false, admission.limits().upgradeTimeout()));
      return;
    }
    boolean answered = admission.admitRefusal();
    long suppressed = logLimiter.acquire("edge-refused");
    if (suppressed != LogLimiter.DENIED) {
      log.atWarn().addKeyValue("ip", ip).addKeyValue("suppressed", suppressed).addKeyValue("answered", answered)
          .log("connection refused: too many new connections per second, or unauthenticated ones from this address or in total");
    }
    if (answered) {
      track(conn, new Pending(ip, true, REFUSAL_DEADLINE));
    } else {
      conn.close();
    }
  }

  private void track(HttpConnection conn, Pending p) {
    pending.put(conn, p);
    conn.closeHandler(v -> {
      Pending gone = pending.remove(conn);
      if (gone != null) {
        vertx.cancelTimer(gone.deadline);
        if (gone.refused) {
          admission.releaseRefusal();
        } else {
          admission.releaseUnauthenticated(gone.ip);
        }
      }
    });
    arm(conn, p);
  }

  /**
   * Install as the router's first handler: a request's head arrived, so its connection's clock
   * stops until the answer is sent.
   */
  public void onRequest(RoutingContext rc) {
    HttpConnection conn = rc.request().connection();
    Pending p = pending.get(conn);
    if (p != null && p.refused) {
      vertx.cancelTimer(p.deadline);
      rc.response().putHeader("Connection", "close").endHandler(v -> conn.close());
      unavailable(rc, ThreadLocalRandom.current().nextInt(MIN_RETRY_AFTER_S, MAX_RETRY_AFTER_S + 1),
          "this gateway takes no more new connections now; retry later");
      return;
    }
    // A WebSocket handshake keeps its deadline: it must be upgraded in time (onUpgrade stops the
    // clock), and a refused one is closed when it runs out. An end handler here would also keep
    // the request's routing context reachable for as long as the WebSocket lives.
    if (p != null && !"websocket".equalsIgnoreCase(rc.request().getHeader("Upgrade"))) {
      vertx.cancelTimer(p.deadline);
      rc.addEndHandler(v -> {
        if (pending.get(conn) == p) {
          arm(conn, p);
        }
      });
    }
    rc.next();
  }

  /**
   * The request is being upgraded to a WebSocket: the connection leaves this guard.
   *
   * @return its address, whose unauthenticated slot the session now owns (null if it had none)
   */
  public String onUpgrade(HttpServerRequest req) {
    Pending p = pending.remove(req.connection());
    if (p == null || p.refused) {
      return null;
    }
    vertx.cancelTimer(p.deadline);
    return p.ip;
  }

  /** Connections of this instance that are waiting for (or between) HTTP requests. */
  public int size() {
    return pending.size();
  }

  private void arm(HttpConnection conn, Pending p) {
    p.deadline = vertx.setTimer(p.timeout.toMillis(), t -> {
      if (pending.get(conn) == p) {
        log.atDebug().addKeyValue("ip", p.ip).log("closing a connection that did not complete a request in time");
        conn.close();
      }
    });
  }

  private static final class Pending {
    final String ip;
    /** Over the caps: holds a refusal slot, not an unauthenticated one, and its request gets 503. */
    final boolean refused;
    /** How long its request may take. */
    final Duration timeout;
    long deadline;

    Pending(String ip, boolean refused, Duration timeout) {
      this.ip = ip;
      this.refused = refused;
      this.timeout = timeout;
    }
  }
}
