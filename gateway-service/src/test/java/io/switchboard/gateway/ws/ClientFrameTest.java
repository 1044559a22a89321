package io.switchboard.gateway.ws;

import io.switchboard.common.protocol.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Client frames are validated at the boundary; each problem maps to a documented error code. */
class ClientFrameTest {

  @ParameterizedTest
  @ValueSource(strings = {"", "{", "[]", "42", "\"hello\"", "null", "{\"type\":}"})
  void anythingButAJsonObjectIsMalformed(String text) {
    assertThatThrownBy(() -> ClientFrame.parse(text)).isInstanceOfSatisfying(ProtocolException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_JSON));
  }

  @ParameterizedTest
  @ValueSource(strings = {"{}", "{\"type\":1}", "{\"type\":\"\"}", "{\"type\":null}"})
  void aFrameWithoutAStringTypeHasAnUnknownType(String text) {
    assertThatThrownBy(() -> ClientFrame.parse(text)).isInstanceOfSatisfying(ProtocolException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_TYPE));
  }

  @Test
  void aRefMustBeAShortString() {
    assertThat(ClientFrame.parse("{\"type\":\"ping\",\"ref\":\"abc\"}").ref()).isEqualTo("abc");
    assertThatThrownBy(() -> ClientFrame.parse("{\"type\":\"ping\",\"ref\":7}"))
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
  }

  @Test
  void roomIdsAreRestrictedToASafeAlphabet() {
    assertThat(ClientFrame.parse("{\"type\":\"join\",\"room\":\"team:eng.backend-1\"}").room()).isEqualTo("team:eng.backend-1");
    for (String bad : new String[] {"\"\"", "\"with space\"", "\"" + "r".repeat(129) + "\"", "5", "null"}) {
      ClientFrame f = ClientFrame.parse("{\"type\":\"join\",\"room\":" + bad + "}");
      assertThatThrownBy(f::room).as(bad).isInstanceOfSatisfying(ProtocolException.class,
          e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
    }
  }

  @Test
  void sinceNeedsANonNegativeSeqAndAnOptionalStringEpoch() {
    ClientFrame.Since since = ClientFrame.parse("{\"type\":\"join\",\"room\":\"r\",\"since\":{\"seq\":5,\"epoch\":\"e1\"}}").since();
    assertThat(since).isEqualTo(new ClientFrame.Since(5, "e1"));
    assertThat(ClientFrame.parse("{\"type\":\"join\",\"room\":\"r\"}").since()).isNull();
    for (String bad : new String[] {"5", "{}", "{\"seq\":-1}", "{\"seq\":\"5\"}", "{\"seq\":1,\"epoch\":2}"}) {
      ClientFrame f = ClientFrame.parse("{\"type\":\"join\",\"room\":\"r\",\"since\":" + bad + "}");
      assertThatThrownBy(f::since).as(bad).isInstanceOf(ProtocolException.class);
    }
  }

  @Test
  void aSendNeedsAClientMsgIdAndANonNullBody() {
    ClientFrame ok = ClientFrame.parse("{\"type\":\"send\",\"room\":\"r\",\"clientMsgId\":\"c1\",\"body\":{\"text\":\"hi\"}}");
    assertThat(ok.clientMsgId()).isEqualTo("c1");
    assertThat(ok.body()).hasToString("{\"text\":\"hi\"}");
    assertThatThrownBy(() -> ClientFrame.parse("{\"type\":\"send\",\"room\":\"r\",\"clientMsgId\":\"\"}").clientMsgId())
        .isInstanceOf(ProtocolException.class);
    assertThatThrownBy(() -> ClientFrame.parse("{\"type\":\"send\",\"room\":\"r\",\"clientMsgId\":\"c\",\"body\":null}").body())
        .isInstanceOf(ProtocolException.class);
  }
}
