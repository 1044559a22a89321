package io.switchboard.room;

import io.switchboard.common.bus.Addresses;
import io.switchboard.common.config.ConfigSource;
import io.switchboard.common.service.Stoppable;
import io.switchboard.common.service.TestServiceContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Stopping the room service unbinds its room address: it takes no more requests. */
class RoomServiceTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  private Future<Object> unsubscribe() {
    return vertx.eventBus().request(Addresses.roomNode(TestServiceContext.NODE),
        new JsonObject().put("room", "lobby").put("subscriber", "gw-1/0"),
        new DeliveryOptions().addHeader(Addresses.OP, Addresses.RoomOps.UNSUBSCRIBE)).map(reply -> reply.body());
  }

  @Test
  void onceStoppedItTakesNoMoreRequests() {
    Stoppable running = new RoomService(ConfigSource.empty())
        .deploy(TestServiceContext.local(vertx, System::currentTimeMillis)).await();
    assertThat(unsubscribe().await()).isEqualTo(new JsonObject());

    running.stop().await();

    assertThatThrownBy(() -> unsubscribe().await())
        .isInstanceOfSatisfying(ReplyException.class,
            e -> assertThat(e.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS));
  }
}
