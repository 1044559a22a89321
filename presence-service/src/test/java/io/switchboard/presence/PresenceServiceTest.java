package io.switchboard.presence;

import io.switchboard.common.bus.Addresses;
import io.switchboard.common.bus.BusError;
import io.switchboard.common.bus.PresenceProtocol;
import io.switchboard.common.service.Stoppable;
import io.switchboard.common.service.TestServiceContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The presence service over the event bus: it answers from the heartbeats it got, until it is stopped. */
class PresenceServiceTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  private Future<JsonObject> query(JsonObject request) {
    return vertx.eventBus().<JsonObject>request(Addresses.PRESENCE_QUERY, request).map(reply -> reply.body());
  }

  @Test
  void itAnswersFromTheHeartbeatsUntilItIsStopped() {
    Stoppable running = new PresenceService().deploy(TestServiceContext.local(vertx, () -> 1_000)).await();
    vertx.eventBus().publish(Addresses.PRESENCE_HEARTBEAT,
        PresenceProtocol.heartbeat("gw-1/0", 6_000, Map.of("lobby", List.of("ann"))));

    assertThat(PresenceProtocol.users(query(PresenceProtocol.query("lobby")).await())).containsExactly("ann");

    running.stop().await();
    assertThatThrownBy(() -> query(PresenceProtocol.query("lobby")).await())
        .isInstanceOfSatisfying(ReplyException.class,
            e -> assertThat(e.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS));
  }

  @Test
  void aQueryWithoutARoomIsABadRequest() {
    new PresenceService().deploy(TestServiceContext.local(vertx, () -> 1_000)).await();

    assertThatThrownBy(() -> query(new JsonObject()).await())
        .satisfies(e -> assertThat(BusError.of(e)).isEqualTo(BusError.BAD_REQUEST));
  }
}
