package io.switchboard.gateway.http;

import io.switchboard.common.protocol.ErrorCode;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Error responses of the HTTP endpoints: a status and the protocol's {@code {code, message, temporary}} body. */
public final class HttpErrors {

  private HttpErrors() {
  }

  public static void send(RoutingContext rc, int status, ErrorCode code, String message) {
    rc.response().setStatusCode(status).putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
        .end(new JsonObject().put("code", code.wire()).put("message", message).put("temporary", code.temporary()).encode());
  }
}
