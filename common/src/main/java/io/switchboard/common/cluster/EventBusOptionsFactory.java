package io.switchboard.common.cluster;

import io.switchboard.common.config.ClusterOptions;
import io.switchboard.common.config.ClusterTlsOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;

import java.util.Optional;
import java.util.Set;

/**
 * Configures the clustered event bus: where it listens and what it announces to the other
 * members, and, with {@link ClusterTlsOptions}, mutual TLS. Every connection between two members
 * then needs a certificate from the cluster CA on both sides: a member without one can neither
 * send to nor receive from the others, even if it joined the Hazelcast cluster.
 */
public final class EventBusOptionsFactory {

  /** Every member runs this code, so the cluster needs no older protocol than TLS 1.3. */
  static final Set<String> PROTOCOLS = Set.of("TLSv1.3");

  private EventBusOptionsFactory() {
  }

  public static EventBusOptions configure(EventBusOptions options, ClusterOptions cluster, Optional<ClusterTlsOptions> tls) {
    options.setHost(cluster.bindHost())
        .setPort(cluster.eventBusPort())
        .setClusterPublicHost(cluster.publicHost());
    tls.ifPresent(t -> options
        .setSsl(true)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(t.certPath().toString()).setKeyPath(t.keyPath().toString()))
        // Trust only the cluster CA, never the JDK's public CAs. The event bus's client side trusts
        // every server certificate unless told otherwise (EventBusOptions.DEFAULT_TRUST_ALL is true),
        // and Vert.x turns host-name verification off for event-bus connections (members connect by
        // IP): the chain to the cluster CA is the whole check, in both directions.
        .setTrustAll(false)
        .setTrustOptions(new PemTrustOptions().addCertPath(t.caPath().toString()))
        .setClientAuth(ClientAuth.REQUIRED)
        .setEnabledSecureTransportProtocols(PROTOCOLS));
    return options;
  }
}
