package io.switchboard.gateway.auth;

import io.switchboard.common.config.ConfigException;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one PEM key (a {@code PUBLIC KEY}, a {@code CERTIFICATE} or a PKCS#8 {@code PRIVATE KEY})
 * far enough to know which JWT algorithms it signs or verifies: RSA keys RS256/384/512, EC keys
 * the ES algorithm of their curve. Rejects anything else at start-up with a clear message.
 */
final class PemKeys {

  private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)-----END \\1-----");

  private PemKeys() {
  }

  /** The JWT algorithms {@code pem}'s key is used with, e.g. {@code [ES256]}. */
  static List<String> algorithms(String pem) {
    Key key = parse(pem);
    if (key instanceof RSAKey rsa) {
      if (rsa.getModulus().bitLength() < 2048) {
        throw new ConfigException("RSA keys for JWT must have at least 2048 bits");
      }
      return List.of("RS256", "RS384", "RS512");
    }
    if (key instanceof ECKey ec) {
      return switch (ec.getParams().getCurve().getField().getFieldSize()) {
        case 256 -> List.of("ES256");
        case 384 -> List.of("ES384");
        case 521 -> List.of("ES512");
        default -> throw new ConfigException("unsupported EC curve for JWT (P-256, P-384 or P-521)");
      };
    }
    throw new ConfigException("JWT keys must be RSA or EC, got " + key.getAlgorithm());
  }

  private static Key parse(String pem) {
    Matcher m = BLOCK.matcher(pem);
    if (!m.find()) {
      throw new ConfigException("not a PEM key or certificate");
    }
    byte[] der = Base64.getMimeDecoder().decode(m.group(2));
    try {
      return switch (m.group(1)) {
        case "CERTIFICATE" -> CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(der)).getPublicKey();
        case "PUBLIC KEY" -> publicKey(der);
        case "PRIVATE KEY" -> privateKey(der);
        default -> throw new ConfigException("PEM " + m.group(1) + " is not supported: use PUBLIC KEY, CERTIFICATE "
            + "or (to sign) a PKCS#8 PRIVATE KEY");
      };
    } catch (GeneralSecurityException e) {
      throw new ConfigException("unreadable PEM key: " + e.getMessage());
    }
  }

  private static Key publicKey(byte[] der) throws GeneralSecurityException {
    try {
      return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException notRsa) {
      return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
    }
  }

  private static Key privateKey(byte[] der) throws GeneralSecurityException {
    try {
      return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException notRsa) {
      return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
    }
  }
}
