package io.switchboard.common.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks the event-bus TLS files at start-up, so that a wrong file stops the service with a message
 * naming its key instead of failing TLS handshakes later: the files are readable PEM, the key is the
 * certificate's, and the certificate chains to the CA and is valid now. It knows the files only by
 * the settings that name them ({@link PemFile}), so that every message names the key to fix.
 */
final class PemCredentials {

  /** A PEM file and the setting that named it. */
  record PemFile(String key, Path path) {
  }

  private static final Pattern PEM_BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");

  private PemCredentials() {
  }

  /** Checks the three files; returns when the member certificate expires. */
  static Instant check(PemFile cert, PemFile key, PemFile ca) {
    List<X509Certificate> chain = certificates(cert);
    List<X509Certificate> cas = certificates(ca);
    X509Certificate leaf = chain.get(0);
    PrivateKey privateKey = privateKey(key, leaf.getPublicKey().getAlgorithm());
    if (!signatureVerifies(key, privateKey, leaf.getPublicKey())) {
      throw invalid(key, "is not the private key of the certificate in " + cert.key() + " (" + cert.path() + ")");
    }
    try {
      leaf.checkValidity();
    } catch (CertificateExpiredException | CertificateNotYetValidException e) {
      throw invalid(cert, "is valid only from " + leaf.getNotBefore().toInstant() + " to "
          + leaf.getNotAfter().toInstant());
    }
    try {
      Set<TrustAnchor> anchors = new HashSet<>();
      cas.forEach(c -> anchors.add(new TrustAnchor(c, null)));
      PKIXParameters params = new PKIXParameters(anchors);
      params.setRevocationEnabled(false);
      CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(chain), params);
    } catch (GeneralSecurityException e) {
      throw invalid(cert, "(" + leaf.getSubjectX500Principal().getName()
          + ") is not issued by the CA in " + ca.key() + " (" + ca.path() + "): " + e.getMessage());
    }
    return leaf.getNotAfter().toInstant();
  }

  private static List<X509Certificate> certificates(PemFile file) {
    String pem = read(file);
    if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
      throw invalid(file, "holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    try {
      List<X509Certificate> certs = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.ISO_8859_1))).stream()
          .map(X509Certificate.class::cast).toList();
      if (certs.isEmpty()) {
        throw invalid(file, "holds no PEM certificate");
      }
      return certs;
    } catch (CertificateException e) {
      throw invalid(file, "is not a readable PEM certificate: " + e.getMessage());
    }
  }

  private static PrivateKey privateKey(PemFile file, String algorithm) {
    Matcher block = PEM_BLOCK.matcher(read(file));
    while (block.find()) {
      switch (block.group(1)) {
        case "PRIVATE KEY" -> {
          try {
            byte[] der = Base64.getMimeDecoder().decode(block.group(2).trim());
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
          } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw invalid(file, "is not a " + algorithm + " private key matching the certificate: " + e);
          }
        }
        case "ENCRYPTED PRIVATE KEY" -> throw invalid(file,
            "is encrypted; the key must be unencrypted PKCS#8 (protect it with file permissions)");
        case "RSA PRIVATE KEY", "EC PRIVATE KEY" -> throw invalid(file, "is in the " + block.group(1)
            + " format; convert it to PKCS#8: openssl pkcs8 -topk8 -nocrypt -in " + file.path() + " -out node.key");
        default -> {
          // a certificate or parameters in the same file: keep looking
        }
      }
    }
    throw invalid(file, "holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
  }

  /** Whether {@code key} signs what {@code publicKey} verifies: the key belongs to the certificate. */
  private static boolean signatureVerifies(PemFile file, PrivateKey key, PublicKey publicKey) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "EdDSA", "Ed25519" -> "Ed25519";
      default -> throw new ConfigException("config " + file.key() + ": unsupported key algorithm " + key.getAlgorithm()
          + " (RSA, EC or Ed25519)");
    };
    try {
      byte[] probe = "switchboard".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static String read(PemFile file) {
    try {
      return Files.readString(file.path(), StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      throw invalid(file, "does not exist");
    } catch (AccessDeniedException e) {
      throw invalid(file, "is not readable by this process (permission denied)");
    } catch (IOException e) {
      throw invalid(file, "cannot be read: " + e);
    }
  }

  private static ConfigException invalid(PemFile file, String problem) {
    return new ConfigException("config " + file.key() + " (env " + ConfigSource.envName(file.key()) + "): "
        + file.path() + " " + problem);
  }
}
