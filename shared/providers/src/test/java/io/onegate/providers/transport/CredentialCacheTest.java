package io.onegate.providers.transport;

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
import io.onegate.testkit.MutableClock;
import io.onegate.testkit.fake.FakeServer.Answer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The relay's credential cache (the one the dispatcher uses) against a real fake token endpoint: one exchange per
 * key and lifetime, shared by concurrent requests, refreshed {@link #MARGIN} before expiry, never caching a
 * failure, dropped when the dialect says the credential went stale.
 */
class CredentialCacheTest extends FakeUpstream {
  /** The relay's refresh margin (RelayRoutes). */
  private static final Duration MARGIN = Duration.ofMinutes(5);
  private static final String TOKEN_BODY = """
      {"access_token":"24.token-one","expires_in":2592000,"scope":"public"}""";

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final CredentialCache cache = new CredentialCache(new UpstreamClient(vertx, new UpstreamClient.Settings(
      Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(10), 8)), clock, MARGIN);
  private final CredentialSource baidu = new BaiduAdaptor().credentialSource();

  private Channel baiduChannel() {
    return new Channel(7, 15, "my-ak|my-sk", 1, "ernie", 1, fakeBaseUrl(), List.of(), List.of(), Map.of(), 0,
        Map.of(), "", "");
  }

  private void answerTokens(int status, String body) {
    route = call -> Answer.of(status, "application/json", Buffer.buffer(body));
  }

  /** Runs {@code count} concurrent lookups on one event-loop context and waits for all of them. */
  private List<String> concurrentGets(Channel channel, CredentialSource source, int count) throws Exception {
    Promise<List<String>> done = Promise.promise();
    vertx.runOnContext(ignored -> {
      List<Future<String>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        futures.add(cache.credential(channel, source));
      }
      Future.all(futures).map(all -> futures.stream().map(Future::result).toList()).onComplete(done);
    });
    return done.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void concurrentRequestsShareOneTokenExchangeAndReuseItUntilTheRefreshMargin() throws Exception {
    answerTokens(200, TOKEN_BODY);
    assertThat(concurrentGets(baiduChannel(), baidu, 50)).hasSize(50).containsOnly("24.token-one");
    assertThat(concurrentGets(baiduChannel(), baidu, 20)).containsOnly("24.token-one");
    assertThat(calls()).hasSize(1);
    assertThat(calls().get(0).path()).isEqualTo("/oauth/2.0/token");

    // Baidu's source keeps a 30-day token for 30 days less an hour; the cache refreshes 5 minutes before that.
    clock.advance(Duration.ofDays(30).minus(Duration.ofHours(1)).minus(MARGIN).minusSeconds(1));
    concurrentGets(baiduChannel(), baidu, 5);
    assertThat(calls()).hasSize(1);
    clock.advance(Duration.ofSeconds(2));
    concurrentGets(baiduChannel(), baidu, 5);
    assertThat(calls()).hasSize(2);
  }

  @Test
  void aFailedExchangeIsNotCached() throws Exception {
    answerTokens(401, "{\"error\":\"invalid_client\",\"error_description\":\"unknown client id\"}");
    try {
      concurrentGets(baiduChannel(), baidu, 3);
      throw new AssertionError("expected a credential failure");
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOfSatisfying(CredentialException.class,
          c -> assertThat(c.failure().failureClass()).isEqualTo(FailureClass.INVALID_KEY));
    }
    answerTokens(200, TOKEN_BODY);
    assertThat(concurrentGets(baiduChannel(), baidu, 3)).containsOnly("24.token-one");
    assertThat(calls()).hasSize(2);
  }

  @Test
  void onlyAStaleTokenErrorDropsTheCachedToken() throws Exception {
    answerTokens(200, TOKEN_BODY);
    concurrentGets(baiduChannel(), baidu, 2);
    assertThat(baidu.invalidates(UpstreamErrors.failure(FailureClass.RATE_LIMITED, 429, "18", "qps",
        "baidu_error"))).isFalse();
    assertThat(baidu.invalidates(UpstreamErrors.failure(FailureClass.TRANSIENT, 200, "111",
        "Access token expired", "baidu_error"))).isTrue();
    concurrentGets(baiduChannel(), baidu, 2);
    assertThat(calls()).hasSize(1);
    cache.invalidate(baiduChannel()); // what the dispatcher does on a failure the source says is stale
    concurrentGets(baiduChannel(), baidu, 2);
    assertThat(calls()).hasSize(2);
  }

  @Test
  void anEditedKeyIsExchangedAnew() throws Exception {
    answerTokens(200, TOKEN_BODY);
    concurrentGets(baiduChannel(), baidu, 1);
    Channel edited = new Channel(7, 15, "other-ak|other-sk", 1, "ernie", 1, fakeBaseUrl(), List.of(), List.of(),
        Map.of(), 0, Map.of(), "", "");
    concurrentGets(edited, baidu, 1);
    assertThat(calls()).hasSize(2);
  }

  @Test
  void locallySignedJwtsAreReusedUntilTheRefreshMarginWithoutAnyHttpCall() throws Exception {
    CredentialSource zhipu = new ZhipuAdaptor(TranslationEnv.system(), Duration.ofMinutes(10)).credentialSource();
    Channel channel = new Channel(8, 16, "id123.secret456", 1, "glm", 1, "", List.of(), List.of(), Map.of(), 0,
        Map.of(), "", "");
    String first = concurrentGets(channel, zhipu, 10).get(0);
    assertThat(concurrentGets(channel, zhipu, 10)).containsOnly(first);
    // a 10-minute JWT is used for 9 minutes (the source's safety minute), less the cache's 5-minute margin
    clock.advance(Duration.ofMinutes(4).minusSeconds(1));
    assertThat(concurrentGets(channel, zhipu, 1)).containsOnly(first);
    clock.advance(Duration.ofSeconds(2));
    assertThat(concurrentGets(channel, zhipu, 1)).doesNotContain(first);
    assertThat(calls()).isEmpty();
  }
}
