package io.switchboard.gateway.edge;

import io.switchboard.common.log.LogLimiter;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;

/**
 * Guards one gateway instance's HTTP server before any WebSocket exists: every new TCP connection
 * takes an unauthenticated slot from {@link Admission} (or is closed at once), and must complete
 * its HTTP request within the upgrade deadline (or is closed: slowloris). A plain HTTP request
 * (chat page, history API) re-arms the deadline once answered, so an idle keep-alive connection
 * does not hold its slot either. A connection upgraded to a WebSocket hands its slot to the
 * session, which releases it on {@code hello} or close. Event-loop confined.
 */
public final class EdgeGuard {

  private static final Logger log = LoggerFactory.getLogger(EdgeGuard.class);

  private final Vertx vertx;
  private final Admission admission;
  private final LogLimiter logLimiter;
  private final Map<HttpConnection, Pending> pending = new HashMap<>();

  public EdgeGuard(Vertx vertx, Admission admission, LogLimiter logLimiter) {
    this.vertx = vertx;
    this.admission = admission;
    this.logLimiter = logLimiter;
  }

  /** Install as the HTTP server's connection handler. */
  public void onConnection(HttpConnection conn) {
    String ip = conn.remoteAddress().hostAddress();
    if (!admission.admitUnauthenticated(ip)) {
      long suppressed = logLimiter.acquire("edge-refused");
      if (suppressed != LogLimiter.DENIED) {
        log.atWarn().addKeyValue("ip", ip).addKeyValue("suppressed", suppressed)
            .log("connection refused: too many unauthenticated connections from this address or in total");
      }
      conn.close();
      return;
    }
    Pending p = new Pending(ip);
    pending.put(conn, p);
    conn.closeHandler(v -> {
      Pending gone = pending.remove(conn);
      if (gone != null) {
        vertx.cancelTimer(gone.deadline);
        admission.releaseUnauthenticated(gone.ip);
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
    if (p == null) {
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
    p.deadline = vertx.setTimer(admission.limits().upgradeTimeout().toMillis(), t -> {
      if (pending.get(conn) == p) {
        log.atDebug().addKeyValue("ip", p.ip).log("closing a connection that did not complete a request in time");
        conn.close();
      }
    });
  }

  private static final class Pending {
    final String ip;
    long deadline;

    Pending(String ip) {
      this.ip = ip;
    }
  }
}
