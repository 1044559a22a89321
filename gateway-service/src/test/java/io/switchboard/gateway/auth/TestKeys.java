package io.switchboard.gateway.auth;

import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Key pairs and hand-made JWTs for tests, including the malformed and hostile ones a library would refuse to make. */
public final class TestKeys {

  public final KeyPair rsa;
  public final KeyPair ec;

  private TestKeys(KeyPair rsa, KeyPair ec) {
    this.rsa = rsa;
    this.ec = ec;
  }

  public static TestKeys generate() {
    try {
      KeyPairGenerator r = KeyPairGenerator.getInstance("RSA");
      r.initialize(2048);
      KeyPairGenerator e = KeyPairGenerator.getInstance("EC");
      e.initialize(new ECGenParameterSpec("secp256r1"));
      return new TestKeys(r.generateKeyPair(), e.generateKeyPair());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public String rsaPublicPem() {
    return TokenTool.pem("PUBLIC KEY", rsa.getPublic().getEncoded());
  }

  public String ecPublicPem() {
    return TokenTool.pem("PUBLIC KEY", ec.getPublic().getEncoded());
  }

  public String ecPrivatePem() {
    return TokenTool.pem("PRIVATE KEY", ec.getPrivate().getEncoded());
  }

  /** Standard claims for {@code sub}, valid from a minute ago for {@code ttlSeconds}. */
  public static JsonObject claims(String sub, long ttlSeconds) {
    long now = System.currentTimeMillis() / 1000;
    return new JsonObject().put("sub", sub).put("iat", now - 60).put("exp", now + ttlSeconds);
  }

  public String rs256(JsonObject claims) {
    return sign("RS256", claims, rsa, "SHA256withRSA");
  }

  public String es256(JsonObject claims) {
    return sign("ES256", claims, ec, "SHA256withECDSAinP1363Format");
  }

  /** Signs with a key pair of the caller's choosing (e.g. one the gateway does not know). */
  public static String sign(String alg, JsonObject claims, KeyPair pair, String javaAlgorithm) {
    String input = segment(new JsonObject().put("alg", alg).put("typ", "JWT")) + "." + segment(claims);
    try {
      Signature s = Signature.getInstance(javaAlgorithm);
      s.initSign(pair.getPrivate());
      s.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + b64(s.sign());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static String hs256(JsonObject claims, byte[] secret) {
    String input = segment(new JsonObject().put("alg", "HS256").put("typ", "JWT")) + "." + segment(claims);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return input + "." + b64(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** An unsigned token: {@code alg: none} and an empty signature. */
  public static String unsigned(JsonObject claims) {
    return segment(new JsonObject().put("alg", "none").put("typ", "JWT")) + "." + segment(claims) + ".";
  }

  public static String segment(JsonObject json) {
    return b64(json.encode().getBytes(StandardCharsets.UTF_8));
  }

  private static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
