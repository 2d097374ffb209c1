package io.onegate.gateway.relay;

import static io.onegate.gateway.relay.RelayFixture.await;
import static io.onegate.gateway.relay.RelayFixture.key;
import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.config.Config;
import io.onegate.common.config.Settings;
import io.onegate.common.domain.ChangeNotice;
import io.onegate.common.process.ProcessMain;
import io.onegate.common.process.ProcessRuntime;
import io.onegate.embedded.FreePorts;
import io.onegate.testkit.FakeOpenAiUpstream;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two clustered gateway nodes on one database and one Hazelcast cluster. */
class TwoNodeTest {
  private static ProcessRuntime rt1;
  private static ProcessRuntime rt2;
  private static ProcessMain.Application app1;
  private static ProcessMain.Application app2;
  private static Vertx fakeVertx;
  private static FakeOpenAiUpstream upA;
  private static FakeOpenAiUpstream upB;
  private static FakeOpenAiUpstream slow;
  private static int port1;
  private static int port2;
  private static int chA;
  private static int revocable;
  private static WebClient web;

  @BeforeAll
  static void start() throws Exception {
    Config c1 = RelayFixture.config(Map.of());
    Config c2 = c1.with(Settings.PORT, FreePorts.find());
    port1 = c1.get(Settings.PORT);
    port2 = c2.get(Settings.PORT);
    rt1 = RelayFixture.runtime(c1);
    rt2 = RelayFixture.runtime(c2);
    fakeVertx = Vertx.vertx();
    upA = await(new FakeOpenAiUpstream(fakeVertx).start());
    upB = await(new FakeOpenAiUpstream(fakeVertx).start());
    slow = await(new FakeOpenAiUpstream(fakeVertx).start());
    slow.onPath("/v1/chat/completions", (v, req, body, resp) -> v.setTimer(1500, id -> resp
        .putHeader("Content-Type", "application/json").end(new JsonObject().put("id", "x").put("object",
            "chat.completion").put("choices", new JsonArray()).put("usage", new JsonObject()
            .put("prompt_tokens", 10).put("completion_tokens", 1).put("total_tokens", 11)).encode())));
    RelayFixture.option(rt1, "ModelRatio", "{\"test-model\":1}");
    // Groups must be priced (unknown groups are refused, One API's silent ratio 1 is quirk Q10).
    RelayFixture.option(rt1, "GroupRatio", "{\"default\":1,\"slow\":1}");
    RelayFixture.option(rt1, "PreConsumedQuota", "1000");
    int carol = RelayFixture.user(rt1, "carol", 1, 1_000_000_000L, "default");
    int dave = RelayFixture.user(rt1, "dave", 1, 3_500L, "slow");
    RelayFixture.token(rt1, carol, key('k'), 1, -1, 0, true, "", "");
    revocable = RelayFixture.token(rt1, carol, key('m'), 1, -1, 0, true, "", "");
    RelayFixture.token(rt1, dave, key('n'), 1, -1, 0, true, "", "");
    chA = RelayFixture.channel(rt1, c1, 1, "ka", upA.baseUrl(), "test-model", "default", 10, 0, "");
    RelayFixture.channel(rt1, c1, 1, "kb", upB.baseUrl(), "test-model", "default", 5, 0, "");
    RelayFixture.channel(rt1, c1, 1, "kc", slow.baseUrl(), "test-model", "slow", 0, 0, "");
    app1 = RelayFixture.gateway(rt1);
    app2 = RelayFixture.gateway(rt2);
    web = WebClient.create(fakeVertx);
  }

  @AfterAll
  static void stop() {
    RelayFixture.stop(app2, rt2);
    RelayFixture.stop(app1, rt1);
    if (fakeVertx != null) {
      fakeVertx.close();
    }
  }

  private static Future<HttpResponse<Buffer>> chat(int port, char token) {
    return web.post(port, "127.0.0.1", "/v1/chat/completions").putHeader("Authorization", "Bearer sk-" + key(token))
        .sendJsonObject(new JsonObject().put("model", "test-model").put("max_tokens", 0)
            .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi"))));
  }

  @Test
  void aChannelDisabledThroughOneNodeStopsBeingUsedOnTheOtherWithinOneSecond() throws Exception {
    assertThat(await(chat(port2, 'k')).statusCode()).isEqualTo(200);
    assertThat(upA.requests()).isNotEmpty();
    await(rt1.pg().preparedQuery("UPDATE channels SET status = 2 WHERE id = $1").execute(Tuple.of(chA)));
    long t0 = System.nanoTime();
    RelayFixture.publish(rt1, new ChangeNotice(ChangeNotice.Kind.CHANNEL, chA));
    int b0 = upB.requests().size();
    while (upB.requests().size() == b0 && System.nanoTime() - t0 < 5_000_000_000L) {
      await(chat(port2, 'k'));
      Thread.sleep(20);
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(ms).as("ms until node 2 stopped using the disabled channel").isLessThan(1000);
    int a = upA.requests().size();
    for (int i = 0; i < 5; i++) {
      assertThat(await(chat(port2, 'k')).statusCode()).isEqualTo(200);
    }
    assertThat(upA.requests()).hasSize(a);
  }

  @Test
  void aTokenRevokedThroughOneNodeIsRefusedOnTheOtherWithinOneSecond() throws Exception {
    assertThat(await(chat(port2, 'm')).statusCode()).isEqualTo(200);
    await(rt1.pg().preparedQuery("UPDATE tokens SET status = 2 WHERE id = $1").execute(Tuple.of(revocable)));
    long t0 = System.nanoTime();
    RelayFixture.publish(rt1, new ChangeNotice(ChangeNotice.Kind.TOKEN, revocable));
    int status = 200;
    while (status == 200 && System.nanoTime() - t0 < 5_000_000_000L) {
      status = await(chat(port2, 'm')).statusCode();
      Thread.sleep(20);
    }
    assertThat(status).isEqualTo(401);
    assertThat((System.nanoTime() - t0) / 1_000_000).as("ms until node 2 refused the token").isLessThan(1000);
  }

  @Test
  void aBalanceCoveringNRequestsAdmitsNAcrossBothNodesNot2N() {
    // dave has 3500; each request reserves (1000 + ~8 prompt tokens) x ratio 1, so 3 fit. The slow upstream
    // keeps all reservations in flight at once, half the requests going to each node.
    List<Future<HttpResponse<Buffer>>> all = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      all.add(chat(i % 2 == 0 ? port1 : port2, 'n'));
    }
    await(Future.join(all));
    long ok = all.stream().filter(f -> f.result().statusCode() == 200).count();
    long refused = all.stream().filter(f -> f.result().statusCode() == 403).count();
    assertThat(ok).isEqualTo(3);
    assertThat(refused).isEqualTo(5);
    assertThat(all.stream().filter(f -> f.result().statusCode() == 403).findFirst().get().result()
        .bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("insufficient_user_quota");
  }
}
