package io.switchboard.common.config;

/** A configuration value is missing or malformed; the service refuses to start. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
