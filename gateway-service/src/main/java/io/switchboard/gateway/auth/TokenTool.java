package io.switchboard.gateway.auth;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A command-line helper for local use and tests: makes an ES256 key pair, and mints tokens with
 * it. Production tokens come from your own identity service; this is how to try the gateway
 * without one. {@code ./switchboard keys} and {@code ./switchboard token} wrap it.
 *
 * <pre>
 *   TokenTool keys DIR
 *       writes DIR/jwt-private.pem (PKCS#8, mode 600) and DIR/jwt-public.pem
 *   TokenTool mint --key PRIVATE.pem --sub USER [--ttl SECONDS] [--iss ISSUER] [--aud AUDIENCE]
 *                  [--rooms '{"private:team-1": ["join", "send"]}']
 *       prints a token (default lifetime 3600 s)
 * </pre>
 */
public final class TokenTool {

  private TokenTool() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length >= 2 && args[0].equals("keys")) {
      writeKeys(Path.of(args[1]));
      System.out.println("wrote " + Path.of(args[1]).resolve("jwt-private.pem") + " and jwt-public.pem");
    } else if (args.length >= 1 && args[0].equals("mint")) {
      Map<String, String> opts = options(args);
      Vertx vertx = Vertx.vertx();
      try {
        System.out.println(mint(vertx, Files.readString(Path.of(require(opts, "key"))), require(opts, "sub"),
            Long.parseLong(opts.getOrDefault("ttl", "3600")), opts.get("iss"), opts.get("aud"),
            opts.containsKey("rooms") ? new JsonObject(opts.get("rooms")) : null));
      } finally {
        vertx.close().await();
      }
    } else {
      System.err.println("usage: TokenTool keys DIR | TokenTool mint --key PRIVATE.pem --sub USER [--ttl SECONDS]"
          + " [--iss ISSUER] [--aud AUDIENCE] [--rooms JSON]");
      System.exit(2);
    }
  }

  /** Signs a token for {@code sub} with {@code privateKeyPem} (its algorithm follows the key). */
  public static String mint(Vertx vertx, String privateKeyPem, String sub, long ttlSeconds, String issuer,
                            String audience, JsonObject rooms) {
    String alg = PemKeys.algorithms(privateKeyPem).get(0);
    JWTAuth jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm(alg).setBuffer(privateKeyPem)));
    JWTOptions options = new JWTOptions().setAlgorithm(alg).setExpiresInSeconds((int) ttlSeconds).setIssuer(issuer);
    if (audience != null) {
      options.setAudience(List.of(audience));
    }
    JsonObject claims = new JsonObject().put("sub", sub);
    if (rooms != null) {
      claims.put("rooms", rooms);
    }
    return jwt.generateToken(claims, options);
  }

  /** Writes an EC P-256 key pair as PEM: the private key readable by its owner only. */
  public static void writeKeys(Path dir) throws IOException, GeneralSecurityException {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
    gen.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = gen.generateKeyPair();
    Files.createDirectories(dir);
    Path priv = dir.resolve("jwt-private.pem");
    Files.writeString(priv, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
    try {
      Files.setPosixFilePermissions(priv, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      // Windows: the folder's ACLs apply
    }
    Files.writeString(dir.resolve("jwt-public.pem"), pem("PUBLIC KEY", pair.getPublic().getEncoded()),
        StandardCharsets.US_ASCII);
  }

  public static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der) + "\n-----END " + type + "-----\n";
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 1; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --option, got " + args[i]);
      }
      out.put(args[i].substring(2), args[i + 1]);
    }
    return out;
  }

  private static String require(Map<String, String> opts, String name) {
    String v = opts.get(name);
    if (v == null) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return v;
  }
}
