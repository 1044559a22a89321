package io.switchboard.common.service;

import com.hazelcast.config.Config;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.common.cluster.EventBusOptionsFactory;
import io.switchboard.common.cluster.HazelcastClusterView;
import io.switchboard.common.cluster.HazelcastConfigFactory;
import io.switchboard.common.cluster.LiteMember;
import io.switchboard.common.config.ClusterOptions;
import io.switchboard.common.config.ClusterTlsOptions;
import io.switchboard.common.config.ConfigException;
import io.switchboard.common.config.ConfigSource;
import io.switchboard.common.config.ManagementOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.BindException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Starts one Switchboard process: reads the configuration once, joins the Hazelcast cluster with
 * a clustered Vert.x, deploys the service and its management endpoint, and on SIGTERM stops them
 * in the reverse order before it leaves the cluster (see {@link #shutdown}). Each service's
 * {@code Main} is one call to {@link #run}.
 */
public final class ServiceLauncher {

  private static final Logger log = LoggerFactory.getLogger(ServiceLauncher.class);

  /** How long the service's parts may take to stop on SIGTERM before the process leaves the cluster anyway. */
  static final Duration STOP_BOUND = Duration.ofSeconds(10);
  /** How long the whole shutdown may take, leaving the cluster included. */
  static final Duration SHUTDOWN_BOUND = Duration.ofSeconds(15);
  /** The JDK's setting for how many PBKDF2 rounds protect a key written to a PKCS#12 key store. */
  static final String PKCS12_KEY_ITERATIONS = "keystore.pkcs12.keyPbeIterationCount";

  private ServiceLauncher() {
  }

  /** Runs the service built by {@code factory}; exits the JVM with status 1 if start-up fails. */
  public static void run(String[] args, Function<ConfigSource, SwitchboardService> factory) {
    try {
      start(ConfigSource.load(args, System.getenv()), factory);
    } catch (Exception e) {
      // Checked exceptions too (a port already in use arrives through Future.await()): Hazelcast's
      // threads would otherwise keep a process that failed to start alive.
      log.error("start-up failed: {}", e.getMessage(), e);
      System.exit(1);
    }
  }

  /**
   * Netty's buffer allocator declares JDK Flight Recorder events. The first time it allocates a
   * chunk, their static initialisers register with the flight recorder, which on a cold JVM takes
   * one to two seconds, and that happened inside a socket write on an event loop (a blocked-thread
   * warning in the system tests). Initialising them here, before any event loop runs, moves that
   * one-time cost to startup.
   */
  private static void initialiseNettyAllocatorEvents() {
    for (String event : List.of("AllocateChunkEvent", "FreeChunkEvent", "AllocateBufferEvent", "FreeBufferEvent",
        "ReallocateBufferEvent")) {
      try {
        Class.forName("io.netty.buffer." + event, true, ServiceLauncher.class.getClassLoader());
      } catch (ClassNotFoundException | LinkageError absent) {
        log.atDebug().log("Netty allocator event {} not present: {}", event, absent.toString());
      }
    }
  }

  /**
   * Vert.x turns the PEM key of the event-bus TLS into an in-memory PKCS#12 key store, and the JDK
   * protects a key written to such a store with 10,000 rounds of PBKDF2, paid again on each read:
   * on a cold JVM one to two seconds of every start with {@code cluster.tls.*}, before the event bus
   * listens (docs/benchmarks.md, "Start to ready"). That store never leaves the process (the key comes from a file and stays in memory),
   * so one round protects nothing less. Set unless the operator set it
   * ({@code -Dkeystore.pkcs12.keyPbeIterationCount=...}); key stores read from files keep the count
   * they were written with.
   */
  private static void cheapenInMemoryKeyStores() {
    if (System.getProperty(PKCS12_KEY_ITERATIONS) == null) {
      System.setProperty(PKCS12_KEY_ITERATIONS, "1");
    }
  }

  /** Starts the service and returns its Vert.x instance once everything is bound. */
  public static Vertx start(ConfigSource config, Function<ConfigSource, SwitchboardService> factory) {
    initialiseNettyAllocatorEvents();
    cheapenInMemoryKeyStores();
    SwitchboardService service = factory.apply(config);
    ClusterOptions clusterOptions = ClusterOptions.from(config);
    Optional<ClusterTlsOptions> tls = ClusterTlsOptions.from(config);
    ManagementOptions management = ManagementOptions.from(config);

    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("service", service.role().id());

    // No event-bus metrics: Vert.x resolves its meters by address on every message sent, received,
    // written and read (and per request for the reply handler), and the addresses here embed node
    // ids. HTTP, net, pool and JVM metrics stay.
    VertxOptions vertxOptions = new VertxOptions()
        .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
            .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS));
    // A blocked event loop is a bug: log where it was stuck the first time it is reported, not only
    // after 5 s (Vert.x's default), so the warning can be acted on.
    vertxOptions.setWarningExceptionTime(vertxOptions.getMaxEventLoopExecuteTime())
        .setWarningExceptionTimeUnit(vertxOptions.getMaxEventLoopExecuteTimeUnit());
    EventBusOptionsFactory.configure(vertxOptions.getEventBusOptions(), clusterOptions, tls);

    log.atInfo().addKeyValue("role", service.role().id()).addKeyValue("cluster", clusterOptions.name())
        .addKeyValue("members", clusterOptions.members()).log("joining cluster");
    tls.ifPresentOrElse(
        t -> log.atInfo().addKeyValue("port", clusterOptions.eventBusPort()).addKeyValue("ca", t.caPath())
            .addKeyValue("certificateExpiry", t.certificateExpiry())
            .log("event bus: TLS with client certificates, peers must chain to the cluster CA"),
        () -> log.atWarn().addKeyValue("port", clusterOptions.eventBusPort())
            .log("event bus: plaintext, any process that joins the Hazelcast cluster can send and receive; "
                + "set cluster.tls.* (docs/security.md)"));
    // Gateways and room services join as lite members (no partitions): see LiteMember.
    Config hazelcastConfig = HazelcastConfigFactory.create(clusterOptions, service.role());
    Optional<LiteMember> lite = service.role().holdsClusterData()
        ? Optional.empty()
        : Optional.of(LiteMember.join(hazelcastConfig, clusterOptions.dataMemberWait()));
    HazelcastClusterManager clusterManager = lite.map(LiteMember::clusterManager)
        .orElseGet(() -> new HazelcastClusterManager(hazelcastConfig));
    Vertx vertx = Vertx.builder()
        .with(vertxOptions)
        .withClusterManager(clusterManager)
        .withMetrics(new MicrometerMetricsFactory(registry))
        .buildClustered()
        .recover(failure -> Future.failedFuture(failure instanceof BindException
            ? new ConfigException("the event bus cannot listen on " + clusterOptions.bindHost() + ":"
                + clusterOptions.eventBusPort() + " (" + failure.getMessage() + "): every process on a host needs its own "
                + "cluster.eventBusPort (env " + ConfigSource.envName("cluster.eventBusPort") + ")")
            : failure))
        .await();

    HazelcastClusterView view = new HazelcastClusterView(clusterManager.getHazelcastInstance(), clusterManager.getNodeId());
    view.logMembershipChanges();
    HealthChecks readiness = HealthChecks.create(vertx)
        .register("cluster", p -> p.complete(clusterManager.isActive() ? Status.OK() : Status.KO()));
    ServiceContext context = new ServiceContext(vertx, view, registry, readiness, System::currentTimeMillis);
    // What runs on top of the clustered Vert.x, stopped on SIGTERM before it leaves the cluster.
    StopSequence running = new StopSequence("process");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      shutdown(running, vertx, STOP_BOUND, SHUTDOWN_BOUND);
      lite.ifPresent(LiteMember::shutdown);
    }, "switchboard-shutdown"));

    ManagementVerticle managementVerticle = new ManagementVerticle(management, readiness, registry);
    deployInParallel(vertx, () -> service.deploy(context), () -> management.enabled()
        ? vertx.deployVerticle(managementVerticle) : Future.succeededFuture(), readiness, running);
    log.atInfo().addKeyValue("role", service.role().id()).addKeyValue("node", view.localNodeId())
        .addKeyValue("managementPort", managementVerticle.actualPort())
        .log("switchboard service ready");
    return vertx;
  }

  /**
   * Waits for the service and the management endpoint, which start side by side (the endpoint binds
   * while the service registers its consumers across the cluster and opens its stores), and records
   * both in {@code running} so that the endpoint stops first. Readiness stays honest meanwhile: a {@code service} check answers KO until
   * the service has started. When either fails, what did start is still recorded (the shutdown hook
   * stops it) and the failure is thrown.
   */
  static void deployInParallel(Vertx vertx, Supplier<Future<Stoppable>> deployService,
      Supplier<Future<String>> deployManagement, HealthChecks readiness, StopSequence running) {
    Promise<Stoppable> started = Promise.promise();
    readiness.register("service", p -> p.complete(started.future().succeeded() ? Status.OK() : Status.KO()));
    Future<Stoppable> service = deployService.get().onComplete(started);
    Future<String> management = deployManagement.get();
    Future.join(service, management).otherwiseEmpty().await();
    if (service.succeeded()) {
      running.add("service", service.result());
    }
    if (management.succeeded() && management.result() != null) {
      String deployment = management.result();
      running.add("management endpoint", () -> vertx.undeploy(deployment));
    }
    Future.all(service, management).await();
  }

  /**
   * Stops a process in the reverse order of its start: {@code running} (the management endpoint,
   * then the service: its verticles stop taking work, then its stores close) within
   * {@code stopBound}, then leaves the cluster ({@code vertx.close()}), all within {@code totalBound}:
   * a part that does not stop in time does not keep the process in the cluster. Blocks: called on
   * the shutdown thread, never on an event loop.
   */
  static void shutdown(Stoppable running, Vertx vertx, Duration stopBound, Duration totalBound) {
    long deadline = System.nanoTime() + totalBound.toNanos();
    log.info("shutting down: stopping the service");
    awaitAtMost(running.stop(), Math.min(stopBound.toNanos(), deadline - System.nanoTime()),
        "the service did not stop in time; leaving the cluster anyway");
    log.info("shutting down: leaving the cluster");
    awaitAtMost(vertx.close(), deadline - System.nanoTime(), "clean shutdown did not finish");
  }

  private static void awaitAtMost(Future<?> future, long nanos, String warning) {
    try {
      future.await(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      log.warn(warning);
    } catch (Exception e) {
      log.warn("{}: {}", warning, e.toString());
    }
  }
}
