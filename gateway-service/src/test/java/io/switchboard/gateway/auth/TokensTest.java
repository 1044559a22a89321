package io.switchboard.gateway.auth;

import io.switchboard.common.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Which tokens open the gateway: JWTs signed by a configured key, within their validity, for the
 * configured issuer and audience; development tokens only when enabled; nothing else.
 */
class TokensTest {

  private static final String ISS = "https://id.example";
  private static final String AUD = "switchboard";
  private static final byte[] HMAC = "0123456789abcdef0123456789abcdef-hmac".getBytes(StandardCharsets.UTF_8);

  private static Vertx vertx;
  private static TestKeys keys;
  private static Tokens tokens;

  @BeforeAll
  static void setUp() {
    vertx = Vertx.vertx();
    keys = TestKeys.generate();
    tokens = Tokens.create(vertx, options(false, List.of(keys.rsaPublicPem(), keys.ecPublicPem()), null));
  }

  @AfterAll
  static void tearDown() {
    vertx.close().await();
  }

  private static AuthOptions options(boolean dev, List<String> pems, String hmac) {
    return new AuthOptions(dev, pems, List.of(), hmac, ISS, List.of(AUD), 10, true, "rooms", RoomPolicy.defaults());
  }

  private static JsonObject claims(String sub) {
    return TestKeys.claims(sub, 3600).put("iss", ISS).put("aud", AUD);
  }

  private static Principal accepted(TokenVerifier v, String token) {
    Future<Principal> f = v.verify(token);
    assertThat(f.succeeded()).as("accepted: %s", f.cause()).isTrue();
    return f.result();
  }

  private static void rejected(TokenVerifier v, String token, String why) {
    Future<Principal> f = v.verify(token);
    assertThat(f.failed()).as(why).isTrue();
    assertThat(f.cause()).as(why).isInstanceOf(InvalidTokenException.class);
  }

  @Test
  void aValidRs256OrEs256TokenNamesItsSubjectAndExpiry() {
    JsonObject c = claims("alice");
    Principal p = accepted(tokens, keys.rs256(c));
    assertThat(p.user()).isEqualTo("alice");
    assertThat(p.expiresAt()).as("exp plus the 10 s skew allowance").isEqualTo((c.getLong("exp") + 10) * 1000);
    assertThat(accepted(tokens, keys.es256(claims("bob"))).user()).isEqualTo("bob");
  }

  @Test
  void forgedAndTamperedTokensAreRejected() throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
    gen.initialize(2048);
    KeyPair stranger = gen.generateKeyPair();
    rejected(tokens, TestKeys.sign("RS256", claims("alice"), stranger, "SHA256withRSA"), "signed by an unknown key");
    String[] parts = keys.rs256(claims("alice")).split("\\.");
    rejected(tokens, parts[0] + "." + TestKeys.segment(claims("admin")) + "." + parts[2], "payload swapped after signing");
    rejected(tokens, "not.a.jwt", "garbage");
    rejected(tokens, "", "empty");
  }

  @Test
  void expiredNotYetValidAndUnexpiringTokensAreRejected() {
    long now = System.currentTimeMillis() / 1000;
    rejected(tokens, keys.rs256(claims("alice").put("exp", now - 60)), "expired a minute ago (skew is 10 s)");
    rejected(tokens, keys.rs256(claims("alice").put("nbf", now + 60)), "not valid for another minute");
    rejected(tokens, keys.rs256(claims("alice").put("iat", now + 60)), "issued in the future");
    JsonObject noExp = claims("alice");
    noExp.remove("exp");
    rejected(tokens, keys.rs256(noExp), "no exp");
    rejected(tokens, keys.rs256(claims("alice").put("exp", "tomorrow")), "exp not a number");
    assertThat(accepted(tokens, keys.rs256(claims("alice").put("exp", now - 5))).user())
        .as("expired 5 s ago: within the skew allowance").isEqualTo("alice");
  }

  @Test
  void wrongAudienceOrIssuerIsRejected() {
    rejected(tokens, keys.rs256(claims("alice").put("aud", "someone-else")), "wrong aud");
    rejected(tokens, keys.rs256(claims("alice").put("aud", new JsonArray().add("x").add("y"))), "no matching aud");
    assertThat(accepted(tokens, keys.rs256(claims("alice").put("aud", new JsonArray().add("x").add(AUD)))).user())
        .isEqualTo("alice");
    rejected(tokens, keys.rs256(claims("alice").put("iss", "https://evil.example")), "wrong iss");
    JsonObject noIss = claims("alice");
    noIss.remove("iss");
    rejected(tokens, keys.rs256(noIss), "no iss");
  }

  @Test
  void algNoneAndHs256SignedWithThePublicKeyAreRejected() {
    rejected(tokens, TestKeys.unsigned(claims("alice")), "alg none with an empty signature");
    String unsignedTwoParts = TestKeys.unsigned(claims("alice"));
    rejected(tokens, unsignedTwoParts.substring(0, unsignedTwoParts.length() - 1), "alg none without a signature part");
    byte[] publicKeyAsSecret = keys.rsaPublicPem().getBytes(StandardCharsets.US_ASCII);
    rejected(tokens, TestKeys.hs256(claims("alice"), publicKeyAsSecret), "HS256 keyed with the RSA public key");
    Tokens withHmac = Tokens.create(vertx, options(false, List.of(keys.rsaPublicPem()), new String(HMAC, StandardCharsets.UTF_8)));
    rejected(withHmac, TestKeys.hs256(claims("alice"), publicKeyAsSecret), "HS256 keyed with the RSA public key, HMAC on");
    assertThat(accepted(withHmac, TestKeys.hs256(claims("carol"), HMAC)).user()).as("HS256 with the configured secret")
        .isEqualTo("carol");
  }

  @Test
  void theSubjectMustBeAPlainUserIdAndTheRoomsClaimWellFormed() {
    JsonObject noSub = claims("x");
    noSub.remove("sub");
    rejected(tokens, keys.rs256(noSub), "no sub");
    rejected(tokens, keys.rs256(claims("bad\u0000user")), "NUL in sub");
    rejected(tokens, keys.rs256(claims("u".repeat(129))), "sub too long");
    rejected(tokens, keys.rs256(claims("alice").put("rooms", "private:*")), "rooms claim not an object");
    rejected(tokens, keys.rs256(claims("alice").put("rooms", new JsonObject().put("private:x", new JsonArray().add("fly")))),
        "unknown right");
    rejected(tokens, keys.rs256(claims("alice").put("rooms", new JsonObject().put("bad room", "all"))), "bad room id");
    Principal p = accepted(tokens, keys.rs256(claims("alice").put("rooms", new JsonObject()
        .put("private:team-1", new JsonArray().add("join").add("send")).put("private:ops-*", "all"))));
    assertThat(p.grants().grants("private:team-1", RoomAction.SEND)).isTrue();
    assertThat(p.grants().grants("private:team-1", RoomAction.HISTORY)).isFalse();
    assertThat(p.grants().grants("private:ops-db", RoomAction.HISTORY)).isTrue();
    assertThat(p.grants().grants("private:team-2", RoomAction.JOIN)).isFalse();
  }

  @Test
  void developmentTokensWorkOnlyWhenEnabled() {
    rejected(tokens, "dev:alice", "dev tokens off");
    Tokens dev = Tokens.create(vertx, options(true, List.of(), null));
    Principal p = accepted(dev, "dev:alice");
    assertThat(p.user()).isEqualTo("alice");
    assertThat(p.expires()).isFalse();
    rejected(dev, "dev:", "no user");
    rejected(dev, "dev:al ice", "space in user");
    rejected(dev, keys.rs256(claims("alice")), "no JWT keys configured");
  }

  @Test
  void aTokenMintedByTheTokenToolIsAcceptedWithItsGrants() {
    Tokens ec = Tokens.create(vertx, options(false, List.of(keys.ecPublicPem()), null));
    String token = TokenTool.mint(vertx, keys.ecPrivatePem(), "dora", 60, ISS, AUD,
        new JsonObject().put("private:team-9", "all"));
    Principal p = accepted(ec, token);
    assertThat(p.user()).isEqualTo("dora");
    assertThat(p.grants().grants("private:team-9", RoomAction.PRESENCE)).isTrue();
  }

  @Test
  void aGatewayWithNoWayToAuthenticateRefusesToStart() {
    assertThatThrownBy(() -> new AuthOptions(false, List.of(), List.of(), null, null, List.of(), 10, true, "rooms",
        RoomPolicy.defaults())).isInstanceOf(ConfigException.class).hasMessageContaining("auth.devTokens");
    assertThatThrownBy(() -> options(false, List.of(), "too short")).isInstanceOf(ConfigException.class);
  }
}
