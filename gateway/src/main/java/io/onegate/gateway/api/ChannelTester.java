package io.onegate.gateway.api;

import io.vertx.core.Future;
import java.util.Optional;

/**
 * Tests channels for {@code GET /api/channel/test[/:id]}. Implemented by the health worker's prober (wired by the
 * composition root); until then {@link #UNAVAILABLE} answers every call with a 501 "not available yet".
 */
public interface ChannelTester {

  /** The outcome of one test, One API's {@code {success, message, time, modelName}}. */
  record Result(boolean success, String message, double timeSeconds, String modelName) {
  }

  /** Tests one channel with {@code model} (or its first/test model), recording test_time and response_time. */
  Future<Result> test(int channelId, Optional<String> model);

  /** Starts testing every channel in the background; completes once started. */
  Future<Void> testAll();

  ChannelTester UNAVAILABLE = new ChannelTester() {
    @Override
    public Future<Result> test(int channelId, Optional<String> model) {
      return Future.failedFuture(ApiException.refused("channel testing is not available yet in this build "
          + "(the health worker's prober is not wired)"));
    }

    @Override
    public Future<Void> testAll() {
      return Future.failedFuture(ApiException.refused("channel testing is not available yet in this build "
          + "(the health worker's prober is not wired)"));
    }
  };
}
