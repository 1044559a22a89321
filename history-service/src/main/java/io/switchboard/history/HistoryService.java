package io.switchboard.history;

import io.switchboard.common.cluster.Role;
import io.switchboard.common.config.ConfigException;
import io.switchboard.common.config.ConfigSource;
import io.switchboard.common.history.InMemoryMessageStore;
import io.switchboard.common.history.MessageStore;
import io.switchboard.common.service.ServiceContext;
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

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The history service: one {@link MessageStore}, chosen by {@code history.store}, answered on the
 * event bus. {@code sqlite} (the default) is embedded and durable, for one history instance;
 * {@code postgres} serves any number of instances; {@code memory} is for tests and demos.
 */
public final class HistoryService implements SwitchboardService {

  private final ConfigSource config;
  private final String storeKind;
  private final RetentionOptions retention;
  private final int instances;

  public HistoryService(ConfigSource config) {
    this.config = config;
    this.storeKind = config.string("history.store", "sqlite");
    this.retention = RetentionOptions.from(config);
    this.instances = config.integer("history.instances", 1);
    if (!"postgres".equals(storeKind) && instances != 1) {
      throw new ConfigException("history.instances > 1 needs history.store=postgres");
    }
  }

  @Override
  public Role role() {
    return Role.HISTORY;
  }

  @Override
  public Future<?> deploy(ServiceContext ctx) {
    return openStore(ctx.vertx()).compose(store -> {
      ctx.readiness().register("store", p -> p.complete(Status.OK(new JsonObject().put("kind", storeKind))));
      AtomicInteger instance = new AtomicInteger();
      return ctx.vertx().deployVerticle(
          () -> new HistoryVerticle(store, retention, instance.getAndIncrement() == 0),
          new DeploymentOptions().setInstances(instances));
    });
  }

  private Future<MessageStore> openStore(Vertx vertx) {
    return switch (storeKind) {
      case "sqlite" -> SqliteMessageStore.open(vertx, SqliteOptions.from(config)).map(s -> (MessageStore) s);
      case "postgres" -> PgMessageStore.open(vertx, PgOptions.from(config)).map(s -> (MessageStore) s);
      case "memory" -> Future.succeededFuture(new InMemoryMessageStore());
      default -> Future.failedFuture(new ConfigException(
          "history.store '" + storeKind + "' is not supported; use sqlite, postgres or memory"));
    };
  }
}
