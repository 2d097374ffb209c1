package io.onegate.providers.credential;

import io.onegate.testkit.fake.FakeServer.Answer;
import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.domain.Channel;
import io.onegate.common.error.FailureClass;
import io.onegate.providers.baidu.BaiduAdaptor;
import io.onegate.providers.contract.FakeUpstream;
import io.onegate.providers.spi.CredentialException;
import io.onegate.providers.spi.CredentialSource;
import io.onegate.providers.support.TranslationEnv;
import io.onegate.providers.support.UpstreamErrors;
import io.onegate.providers.zhipu.ZhipuAdaptor;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The credential cache against a real fake token endpoint: one exchange per key and lifetime. */
class CredentialCacheTest extends FakeUpstream {
  private static final String TOKEN_BODY = """
      {"access_token":"24.token-one","expires_in":2592000,"scope":"public"}""";

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final CredentialCache cache = new CredentialCache(clock);
  private final CredentialSource baidu = new BaiduAdaptor().credentialSource();
  private final CredentialCache.Exchanger exchanger = request -> {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.valueOf(request.method()))
        .setAbsoluteURI(request.url());
    request.headers().forEach(options::putHeader);
    return http.request(options).compose(r -> r.send(request.body()))
        .compose(response -> response.body().map(body -> new CredentialCache.Answer(response.statusCode(), body)));
  };

  private Channel baiduChannel() {
    return new Channel(7, 15, "my-ak|my-sk", 1, "ernie", 1, fakeBaseUrl(), List.of(), List.of(), Map.of(), 0,
        Map.of(), "", "");
  }

  private void answerTokens(int status, String body) {
    route = call -> Answer.of(status, "application/json", Buffer.buffer(body));
  }

  /** Runs {@code count} concurrent gets on one event-loop context and waits for all of them. */
  private List<String> concurrentGets(Channel channel, CredentialSource source, int count) throws Exception {
    Promise<List<String>> done = Promise.promise();
    vertx.runOnContext(ignored -> {
      List<Future<String>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        futures.add(cache.get(channel, source, exchanger));
      }
      Future.all(futures).map(all -> futures.stream().map(Future::result).toList()).onComplete(done);
    });
    return done.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void concurrentRequestsShareOneTokenExchangeAndReuseItUntilExpiry() throws Exception {
    answerTokens(200, TOKEN_BODY);
    assertThat(concurrentGets(baiduChannel(), baidu, 50)).hasSize(50).containsOnly("24.token-one");
    assertThat(concurrentGets(baiduChannel(), baidu, 20)).containsOnly("24.token-one");
    assertThat(calls()).hasSize(1);
    assertThat(calls().get(0).path()).isEqualTo("/oauth/2.0/token");

    clock.advance(Duration.ofDays(30).minus(Duration.ofHours(1)).minusSeconds(1));
    concurrentGets(baiduChannel(), baidu, 5);
    assertThat(calls()).hasSize(1);
    clock.advance(Duration.ofSeconds(2)); // now within the last hour of the token's life: refresh
    concurrentGets(baiduChannel(), baidu, 5);
    assertThat(calls()).hasSize(2);
  }

  @Test
  void aFailedExchangeIsNotCached() throws Exception {
    answerTokens(401, "{\"error\":\"invalid_client\",\"error_description\":\"unknown client id\"}");
    assertThatFailure(() -> concurrentGets(baiduChannel(), baidu, 3), FailureClass.INVALID_KEY);
    answerTokens(200, TOKEN_BODY);
    assertThat(concurrentGets(baiduChannel(), baidu, 3)).containsOnly("24.token-one");
    assertThat(calls()).hasSize(2);
  }

  @Test
  void aStaleTokenErrorDropsTheCachedToken() throws Exception {
    answerTokens(200, TOKEN_BODY);
    concurrentGets(baiduChannel(), baidu, 2);
    cache.onFailure(baiduChannel(), baidu,
        UpstreamErrors.failure(FailureClass.RATE_LIMITED, 429, "18", "qps", "baidu_error"));
    concurrentGets(baiduChannel(), baidu, 2);
    assertThat(calls()).hasSize(1);
    cache.onFailure(baiduChannel(), baidu,
        UpstreamErrors.failure(FailureClass.TRANSIENT, 200, "111", "Access token expired", "baidu_error"));
    concurrentGets(baiduChannel(), baidu, 2);
    assertThat(calls()).hasSize(2);
  }

  @Test
  void locallySignedJwtsAreReusedUntilTheirExpiryWithoutAnyHttpCall() throws Exception {
    CredentialSource zhipu = new ZhipuAdaptor(TranslationEnv.system(), Duration.ofMinutes(10)).credentialSource();
    Channel channel = new Channel(8, 16, "id123.secret456", 1, "glm", 1, "", List.of(), List.of(), Map.of(), 0,
        Map.of(), "", "");
    String first = concurrentGets(channel, zhipu, 10).get(0);
    assertThat(concurrentGets(channel, zhipu, 10)).containsOnly(first);
    clock.advance(Duration.ofMinutes(9).plusSeconds(1)); // past exp minus the one-minute margin
    assertThat(concurrentGets(channel, zhipu, 1)).doesNotContain(first);
    assertThat(calls()).isEmpty();
  }

  private static void assertThatFailure(ThrowingCall call, FailureClass expected) {
    try {
      call.run();
      throw new AssertionError("expected a credential failure");
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOfSatisfying(CredentialException.class,
          c -> assertThat(c.failure().failureClass()).isEqualTo(expected));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @FunctionalInterface
  private interface ThrowingCall {
    Object get() throws Exception;

    default void run() throws Exception {
      get();
    }
  }

  /** A settable clock (Caffeine's FakeTicker idea). */
  private static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
