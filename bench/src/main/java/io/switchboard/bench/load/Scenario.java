package io.switchboard.bench.load;

/**
 * One load-generator scenario, chosen with {@code --scenario NAME} (see {@link Scenarios}): it
 * builds its connections from the context, runs its phases and emits one result per measured
 * phase through the context. It runs on the main thread and may block it; never an event loop.
 */
@FunctionalInterface
interface Scenario {

  void run(ScenarioContext context) throws Exception;
}
