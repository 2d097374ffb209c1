package io.onegate.common.process;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import io.onegate.common.config.Config;
import io.onegate.common.config.Settings;
import org.slf4j.LoggerFactory;

/** Applies {@code LOG_LEVEL} and {@code LOG_FORMAT} (text or one JSON object per line) to logback. */
public final class LogSetup {
  private LogSetup() {
  }

  public static void apply(Config config) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    String level = config.get(Settings.DEBUG) ? "debug" : config.get(Settings.LOG_LEVEL);
    context.getLogger("io.onegate").setLevel(Level.toLevel(level, Level.INFO));
    if ("json".equals(config.get(Settings.LOG_FORMAT))) {
      ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
      if (root.getAppender("CONSOLE") instanceof ConsoleAppender<ILoggingEvent> console) {
        console.stop();
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.start();
        console.setEncoder(encoder);
        console.start();
      }
    }
  }
}
