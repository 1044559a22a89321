package io.switchboard.gateway.ws;

import io.switchboard.common.history.MessageStore;
import io.switchboard.gateway.GatewayOptions;
import io.switchboard.gateway.auth.TokenVerifier;
import io.switchboard.gateway.presence.PresenceClient;
import io.switchboard.gateway.presence.PresenceReporter;
import io.switchboard.gateway.room.RoomClient;
import io.switchboard.gateway.room.RoomStreams;
import io.vertx.core.Vertx;

import java.util.Set;

/**
 * What every session of one gateway instance shares.
 *
 * @param sessions the instance's open sessions (presence reports and shutdown walk it)
 */
public record SessionContext(
    Vertx vertx,
    GatewayOptions options,
    TokenVerifier tokens,
    RoomClient rooms,
    RoomStreams streams,
    MessageStore history,
    PresenceClient presence,
    PresenceReporter presenceReports,
    Set<ClientSession> sessions) {
}
