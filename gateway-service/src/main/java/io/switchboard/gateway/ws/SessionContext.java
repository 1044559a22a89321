package io.switchboard.gateway.ws;

import io.switchboard.common.history.HistoryReader;
import io.switchboard.common.log.LogLimiter;
import io.switchboard.gateway.GatewayOptions;
import io.switchboard.gateway.auth.RoomPolicy;
import io.switchboard.gateway.auth.TokenVerifier;
import io.switchboard.gateway.edge.Admission;
import io.switchboard.gateway.presence.PresenceClient;
import io.switchboard.gateway.presence.PresenceReporter;
import io.switchboard.gateway.room.RoomClient;
import io.switchboard.gateway.room.RoomStreams;
import io.vertx.core.Vertx;

import java.util.Set;
import java.util.function.LongSupplier;

/**
 * What every session of one gateway instance shares.
 *
 * @param tokens verifies {@code hello} and {@code refresh} tokens
 * @param policy who may join, send to and see presence of which room
 * @param admission the process's connection caps and rate-limit buckets
 * @param sessions the instance's open sessions (presence reports and shutdown walk it)
 * @param logLimiter caps log lines clients can provoke
 * @param clock epoch milliseconds
 */
public record SessionContext(
    Vertx vertx,
    GatewayOptions options,
    TokenVerifier tokens,
    RoomPolicy policy,
    Admission admission,
    RoomClient rooms,
    RoomStreams streams,
    HistoryReader history,
    PresenceClient presence,
    PresenceReporter presenceReports,
    Set<ClientSession> sessions,
    LogLimiter logLimiter,
    LongSupplier clock) {
}
