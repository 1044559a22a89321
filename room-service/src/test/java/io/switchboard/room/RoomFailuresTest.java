package io.switchboard.room;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.switchboard.common.bus.BusError;
import io.switchboard.common.bus.MalformedBusMessageException;
import io.switchboard.common.log.LogLimiter;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** How a failed room request reaches its gateway: one mapping for every request of the room service. */
class RoomFailuresTest {

  private final RoomFailures failures = new RoomFailures(new LogLimiter(1, Duration.ofMinutes(1), () -> 0));
  private final Logger logger = (Logger) LoggerFactory.getLogger(RoomFailures.class);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @BeforeEach
  void captureLog() {
    logged.start();
    logger.addAppender(logged);
  }

  @AfterEach
  void detach() {
    logger.detachAppender(logged);
  }

  @Test
  void aMalformedRequestIsABadRequestWithTheDecodersReasonAndIsNotLogged() {
    ReplyException e = failures.classify(new MalformedBusMessageException("send.sender must be a string"));

    assertThat(BusError.of(e)).isEqualTo(BusError.BAD_REQUEST);
    assertThat(e.getMessage()).isEqualTo("send.sender must be a string");
    assertThat(logged.list).isEmpty();
  }

  @Test
  void theRoomsOwnRefusalsPassThroughWithTheirCodeAndMessage() {
    for (BusError error : new BusError[] {BusError.NOT_OWNER, BusError.OVERLOADED, BusError.UNPROCESSABLE, BusError.UNAVAILABLE}) {
      ReplyException refusal = error.exception("room lobby: " + error);

      assertThat(failures.classify(refusal)).isSameAs(refusal);
    }
    assertThat(logged.list).isEmpty();
  }

  @Test
  void anythingElseIsInternalAndLoggedWithItsStackTraceWithinTheLimit() {
    ReplyException first = failures.classify(new IllegalStateException("bug"));
    failures.classify(new IllegalStateException("bug again"));

    assertThat(BusError.of(first)).isEqualTo(BusError.INTERNAL);
    assertThat(first.getMessage()).isEqualTo("bug");
    assertThat(logged.list).singleElement().satisfies(line -> {
      assertThat(line.getLevel()).isEqualTo(Level.ERROR);
      assertThat(line.getThrowableProxy().getMessage()).isEqualTo("bug");
    });
  }

  @Test
  void aFailedSendOfABatchIsReportedWithTheSameCodeAndMessage() {
    JsonObject entry = failures.sendFailed(BusError.NOT_OWNER.exception("room lobby moved"));

    assertThat(entry).isEqualTo(new JsonObject().put("failureCode", BusError.NOT_OWNER.code()).put("message", "room lobby moved"));
  }

  @Test
  void aTimedOutReplyKeepsItsOwnFailureCode() {
    ReplyException timeout = new ReplyException(ReplyFailure.TIMEOUT, "history timed out");

    assertThat(failures.classify(timeout)).isSameAs(timeout);
  }
}
