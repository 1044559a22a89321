package io.switchboard.history;

import io.switchboard.common.cluster.Role;
import io.switchboard.common.config.ConfigException;
import io.switchboard.common.config.ConfigSource;
import io.switchboard.common.history.InMemoryMessageStore;
import io.switchboard.common.history.MessageStore;
import io.switchboard.common.log.LogLimiter;
import io.switchboard.common.service.ServiceContext;
import io.switchboard.common.service.StopSequence;
import io.switchboard.common.service.Stoppable;
import io.switchboard.common.service.SwitchboardService;
import io.switchboard.history.store.PgMessageStore;
import io.switchboard.history.store.PgOptions;
import io.switchboard.history.store.RetentionOptions;
import io.switchboard.history.store.SqliteMessageStore;
import io.switchboard.history.store.SqliteOptions;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The history service: one {@link MessageStore}, chosen by {@code history.store} ({@link StoreKind}),
 * answered on the event bus. {@code sqlite} (the default) is embedded and durable, for one history
 * instance; {@code postgres} serves any number of instances; {@code memory} is for tests and demos.
 * Stopping it stops its verticles first, then closes the store.
 */
public final class HistoryService implements SwitchboardService {

  private final StoreKind kind;
  private final StoreOpener stores;
  private final RetentionOptions retention;
  private final int instances;

  public HistoryService(ConfigSource config) {
    this(StoreKind.from(config), config);
  }

  private HistoryService(StoreKind kind, ConfigSource config) {
    this(kind, opener(kind, config), RetentionOptions.from(config), config.integer("history.instances", 1));
  }

  /** A history service over the store {@code stores} opens when it deploys. */
  HistoryService(StoreKind kind, StoreOpener stores, RetentionOptions retention, int instances) {
    this.kind = Objects.requireNonNull(kind, "kind");
    this.stores = Objects.requireNonNull(stores, "stores");
    this.retention = Objects.requireNonNull(retention, "retention");
    this.instances = instances;
    if (!kind.sharedByInstances() && instances != 1) {
      throw new ConfigException("history.instances > 1 needs history.store=postgres");
    }
  }

  @Override
  public Role role() {
    return Role.HISTORY;
  }

  @Override
  public Future<Stoppable> deploy(ServiceContext ctx) {
    Vertx vertx = ctx.vertx();
    StopSequence parts = new StopSequence(role().id());
    return parts.whenStarted(stores.open(vertx).compose(open -> {
      parts.add(kind.id() + " store", open.closer());
      ctx.readiness().register("store", p -> p.complete(Status.OK(new JsonObject().put("kind", kind.id()))));
      AtomicInteger instance = new AtomicInteger();
      LogLimiter logLimiter = LogLimiter.perMinute(10, ctx.clock());
      return vertx.deployVerticle(
          () -> new HistoryVerticle(ctx.cluster().localNodeId(), open.store(), retention, instance.getAndIncrement() == 0,
              ctx.clock(), logLimiter),
          new DeploymentOptions().setInstances(instances));
    }).map(deployment -> parts.add("history verticles", () -> vertx.undeploy(deployment))));
  }

  /** The opener of {@code kind}, with that kind's settings read now (and only that kind's). */
  private static StoreOpener opener(StoreKind kind, ConfigSource config) {
    return switch (kind) {
      case SQLITE -> {
        SqliteOptions options = SqliteOptions.from(config);
        yield vertx -> SqliteMessageStore.open(vertx, options).map(s -> new OpenStore(s, s::close));
      }
      case POSTGRES -> {
        PgOptions options = PgOptions.from(config);
        yield vertx -> PgMessageStore.open(vertx, options).map(s -> new OpenStore(s, s::close));
      }
      case MEMORY -> vertx -> Future.succeededFuture(
          new OpenStore(new InMemoryMessageStore(), Future::succeededFuture));
    };
  }

  /** Opens the service's store when it deploys. */
  @FunctionalInterface
  interface StoreOpener {
    Future<OpenStore> open(Vertx vertx);
  }

  /** An open store and what closes it. */
  record OpenStore(MessageStore store, Stoppable closer) {
  }
}
