package io.onegate.health.notify;

import io.onegate.common.options.Options;
import io.vertx.core.Future;

/** One notification channel. Succeeds without sending when it is not configured in {@code options}. */
public interface Notifier {
  Future<Void> send(Notification notification, Options options);
}
