package io.onegate.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Replays the request bodies One API's web UI and documented scripts send, and checks the response envelopes and
 * field names: login, add a channel with models and groups, create and list tokens, edit a user's quota, query
 * logs and stats; plus registration with invite bonuses, options, concurrent redeems of one code, and (last, as it
 * changes root's password) the default-password warning.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CompatibilityReplayTest {
  private static ApiHarness h;
  private static ApiClient root;

  @BeforeAll
  static void start() throws Exception {
    h = ApiHarness.start();
    root = h.root();
  }

  @AfterAll
  static void stop() {
    if (h != null) {
      h.close();
    }
  }

  private static void assertEnvelope(ApiClient.Resp r) {
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    assertThat(r.json().fieldNames()).contains("success", "message");
    assertThat(r.success()).as(r.raw()).isTrue();
  }

  @Test
  void oneApiWebUiFlow() {
    // login as the UI does
    ApiClient.Resp login = h.client().post("/api/user/login", new JsonObject().put("username", "root")
        .put("password", "123456"));
    assertEnvelope(login);
    assertThat(login.obj().getInteger("role")).isEqualTo(100);

    // add a channel exactly as EditChannel.js posts it (groups array, stringified config)
    JsonObject channel = new JsonObject().put("name", "openai-main").put("type", 1)
        .put("key", "sk-aaaaaaaaaaaaaaaaaaaa1\nsk-bbbbbbbbbbbbbbbbbbbb2").put("base_url", "").put("other", "")
        .put("model_mapping", "{\"gpt-4\":\"gpt-4-0613\"}").put("system_prompt", "")
        .put("models", "gpt-3.5-turbo,gpt-4").put("groups", new JsonArray().add("default").add("vip"))
        .put("group", "default,vip").put("config", "{}");
    ApiClient.Resp added = root.post("/api/channel/", channel);
    assertEnvelope(added);
    assertThat(added.obj().getJsonArray("ids")).hasSize(2);
    assertThat(h.sql("SELECT count(*) FROM abilities").iterator().next().getLong(0)).as("2 channels x 2 groups x 2 "
        + "models").isEqualTo(8L);

    ApiClient.Resp list = root.get("/api/channel/?p=0");
    assertEnvelope(list);
    assertThat(root.get("/api/channel?p=0").array()).as("with or without the trailing slash")
        .isEqualTo(list.array());
    assertThat(root.get("/api/channel/?p=1").array()).isEmpty();
    ApiClient.Resp unknown = root.get("/api/no/such/route");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.success()).isFalse();
    JsonObject first = list.array().getJsonObject(0);
    assertThat(first.fieldNames()).contains("id", "type", "status", "name", "weight", "created_time", "test_time",
        "response_time", "base_url", "other", "balance", "balance_updated_time", "models", "group", "used_quota",
        "model_mapping", "priority", "config", "system_prompt").doesNotContain("key");
    assertThat(first.getString("group")).isEqualTo("default,vip");
    int channelId = first.getInteger("id");

    // the channel table's inline edits: disable, then priority
    assertEnvelope(root.put("/api/channel/", new JsonObject().put("id", channelId).put("status", 2)));
    assertThat(h.sql("SELECT bool_or(enabled) FROM abilities WHERE channel_id = $1", channelId).iterator().next()
        .getBoolean(0)).isFalse();
    assertEnvelope(root.put("/api/channel/", new JsonObject().put("id", channelId).put("priority", 5)
        .put("models", "gpt-4")));
    assertThat(h.sql("SELECT count(*), max(priority) FROM abilities WHERE channel_id = $1", channelId).iterator()
        .next().getLong(0)).isEqualTo(2L);
    ApiClient.Resp deleted = root.delete("/api/channel/disabled");
    assertEnvelope(deleted);
    assertThat(deleted.json().getInteger("data")).isEqualTo(1);

    ApiClient.Resp models = root.get("/api/models");
    assertEnvelope(models);
    assertThat(models.obj().getJsonArray("1").getList()).contains("gpt-4o");
    ApiClient.Resp catalogue = root.get("/api/channel/models");
    assertThat(catalogue.json().getString("object")).isEqualTo("list");
    assertThat(catalogue.array().getJsonObject(0).fieldNames()).contains("id", "object", "owned_by");

    // a common user creates and lists tokens (EditToken.js body)
    int userId = h.createUser(root, "alice", "alicepass1", Roles.COMMON);
    ApiClient alice = h.login("alice", "alicepass1");
    ApiClient.Resp token = alice.post("/api/token/", new JsonObject().put("name", "my-token")
        .put("remain_quota", 500000).put("expired_time", -1).put("unlimited_quota", false)
        .put("models", "gpt-4").put("subnet", "10.0.0.0/8, 192.168.1.1"));
    assertEnvelope(token);
    String key = token.obj().getString("key");
    assertThat(key).hasSize(48).matches("[0-9a-zA-Z]{16}[0-9a-fA-F]{32}");
    ApiClient.Resp tokens = alice.get("/api/token/?p=0&order=remain_quota");
    assertEnvelope(tokens);
    assertThat(tokens.array()).hasSize(2);
    JsonObject listed = tokens.array().stream().map(JsonObject.class::cast)
        .filter(t -> t.getString("name").equals("my-token")).findFirst().orElseThrow();
    assertThat(listed.fieldNames()).contains("id", "user_id", "key", "status", "name", "created_time",
        "accessed_time", "expired_time", "remain_quota", "unlimited_quota", "used_quota", "models", "subnet");
    assertThat(listed.getString("key")).as("the owner sees the full key").isEqualTo(key);
    assertThat(tokens.array().stream().map(JsonObject.class::cast).anyMatch(t -> t.getString("name")
        .equals("default") && t.getBoolean("unlimited_quota") && t.getLong("expired_time") == -1))
        .as("every new user gets the unlimited 'default' token").isTrue();
    assertThat(root.get("/api/token/" + listed.getInteger("id")).status()).as("not root's token").isEqualTo(404);

    // status toggles: an exhausted token cannot be re-enabled
    int tokenId = listed.getInteger("id");
    assertEnvelope(alice.put("/api/token/?status_only=1", new JsonObject().put("id", tokenId).put("status", 2)));
    assertEnvelope(alice.put("/api/token/", new JsonObject().put("id", tokenId).put("name", "my-token")
        .put("remain_quota", 0).put("expired_time", -1).put("unlimited_quota", false)));
    ApiClient.Resp reEnable = alice.put("/api/token/?status_only=1", new JsonObject().put("id", tokenId)
        .put("status", 1));
    assertThat(reEnable.status()).isEqualTo(400);
    assertThat(reEnable.message()).contains("额度已用尽");
    assertEnvelope(alice.put("/api/token/", new JsonObject().put("id", tokenId).put("expired_time", 1000)
        .put("unlimited_quota", true)));
    assertThat(alice.put("/api/token/?status_only=1", new JsonObject().put("id", tokenId).put("status", 1))
        .message()).contains("已过期");

    // an admin edits the user's quota (EditUser.js body) -> manage log
    assertEnvelope(root.put("/api/user/", new JsonObject().put("id", userId).put("username", "alice")
        .put("display_name", "Alice").put("password", "").put("group", "vip").put("quota", 1000000)));
    ApiClient.Resp user = root.get("/api/user/" + userId);
    assertThat(user.obj().getLong("quota")).isEqualTo(1000000L);
    assertThat(user.obj().getString("group")).isEqualTo("vip");
    assertThat(user.obj().fieldNames()).doesNotContain("password", "access_token");

    // logs: the manage log, a consume log written as the billing worker does, filters and stats
    long now = System.currentTimeMillis() / 1000;
    h.sql("INSERT INTO logs (user_id, created_at, type, content, username, token_name, model_name, quota, "
        + "prompt_tokens, completion_tokens, channel_id, request_id, elapsed_time, is_stream) VALUES "
        + "($1, $2, 2, 'model ratio 15', 'alice', 'my-token', 'gpt-4', 1234, 10, 20, $3, 'req-1', 321, true)",
        userId, now, channelId);
    ApiClient.Resp manage = root.get("/api/log/?p=0&type=3&username=alice");
    assertEnvelope(manage);
    assertThat(manage.array().stream().map(JsonObject.class::cast).map(l -> l.getString("content")))
        .anyMatch(c -> c.contains("管理员将用户额度从") && c.contains("修改为"));
    ApiClient.Resp consume = root.get("/api/log/?p=0&type=2&start_timestamp=" + (now - 60) + "&end_timestamp="
        + (now + 60) + "&model_name=gpt-4&token_name=my-token&channel=" + channelId);
    assertEnvelope(consume);
    assertThat(consume.array()).hasSize(1);
    assertThat(consume.array().getJsonObject(0).fieldNames()).contains("id", "user_id", "created_at", "type",
        "content", "username", "token_name", "model_name", "quota", "prompt_tokens", "completion_tokens", "channel",
        "request_id", "elapsed_time", "is_stream", "system_prompt_reset");
    assertThat(consume.array().getJsonObject(0).getInteger("channel")).isEqualTo(channelId);
    ApiClient.Resp self = alice.get("/api/log/self?p=0&type=2");
    assertThat(self.array()).hasSize(1);
    assertThat(self.array().getJsonObject(0).containsKey("id")).isFalse();
    assertThat(alice.get("/api/log/self/stat?type=2").obj().getLong("quota")).isEqualTo(1234L);
    assertThat(root.get("/api/log/stat?username=alice").obj().getLong("quota")).isEqualTo(1234L);
    assertThat(root.get("/api/log/stat?username=nobody").obj().getLong("quota")).isZero();
    assertThat(alice.get("/api/log/self/search?keyword=3").array()).isNotEmpty();
    assertThat(root.get("/api/log/search?keyword=model ratio".replace(" ", "%20")).array()).hasSize(1);
    JsonArray dashboard = alice.get("/api/user/dashboard").array();
    assertThat(dashboard).hasSize(1);
    assertThat(dashboard.getJsonObject(0).getString("ModelName")).isEqualTo("gpt-4");
    assertThat(dashboard.getJsonObject(0).getLong("Quota")).isEqualTo(1234L);
    assertThat(dashboard.getJsonObject(0).getLong("RequestCount")).isEqualTo(1L);
    assertThat(dashboard.getJsonObject(0).getString("Day")).matches("\\d{4}-\\d{2}-\\d{2}");
    ApiClient.Resp purge = root.delete("/api/log/?target_timestamp=" + (now + 1));
    assertThat(purge.json().getInteger("data")).isGreaterThanOrEqualTo(2);
  }

  @Test
  void registrationAppliesNewUserAndInviteBonusesWithSystemLogs() {
    for (String[] kv : new String[][] {{"QuotaForNewUser", "100"}, {"QuotaForInviter", "30"},
        {"QuotaForInvitee", "20"}}) {
      assertEnvelope(root.put("/api/option/", new JsonObject().put("key", kv[0]).put("value", kv[1])));
    }
    int inviter = h.createUser(root, "inviter", "inviterpass", Roles.COMMON);
    ApiClient inviterClient = h.login("inviter", "inviterpass");
    String aff = inviterClient.get("/api/user/aff").json().getString("data");
    assertThat(aff).hasSize(4);
    long before = h.sql("SELECT quota FROM users WHERE id = $1", inviter).iterator().next().getLong(0);
    ApiClient.Resp reg = h.client().post("/api/user/register", new JsonObject().put("username", "newbie")
        .put("password", "newbiepass").put("aff_code", aff));
    assertEnvelope(reg);
    var newbie = h.sql("SELECT id, quota, inviter_id, role FROM users WHERE username = 'newbie'").iterator().next();
    assertThat(newbie.getLong(1)).isEqualTo(120L);
    assertThat(newbie.getInteger(2)).isEqualTo(inviter);
    assertThat(newbie.getInteger(3)).isEqualTo(1);
    assertThat(h.sql("SELECT quota FROM users WHERE id = $1", inviter).iterator().next().getLong(0))
        .isEqualTo(before + 30);
    assertThat(h.sql("SELECT count(*) FROM logs WHERE type = 4 AND user_id = $1", newbie.getInteger(0)).iterator()
        .next().getLong(0)).isEqualTo(2L);
    assertThat(h.sql("SELECT count(*) FROM tokens WHERE user_id = $1 AND name = 'default' AND unlimited_quota",
        newbie.getInteger(0)).iterator().next().getLong(0)).isEqualTo(1L);
    assertThat(h.client().post("/api/user/register", new JsonObject().put("username", "newbie")
        .put("password", "newbiepass")).status()).isEqualTo(409);
    assertEnvelope(root.put("/api/option/", new JsonObject().put("key", "RegisterEnabled").put("value", false)));
    ApiClient.Resp closed = h.client().post("/api/user/register", new JsonObject().put("username", "late")
        .put("password", "latepass1"));
    assertThat(closed.status()).isEqualTo(403);
    assertEnvelope(root.put("/api/option/", new JsonObject().put("key", "RegisterEnabled").put("value", "true")));
    ApiClient.Resp options = root.get("/api/option/");
    assertThat(options.array().stream().map(JsonObject.class::cast).map(o -> o.getString("key")))
        .contains("QuotaForNewUser", "SystemName").doesNotContain("SMTPToken", "MessagePusherToken",
            "WebhookSecret");
    ApiClient.Resp status = h.client().get("/api/status");
    assertThat(status.obj().fieldNames()).contains("version", "start_time", "email_verification", "github_oauth",
        "github_client_id", "lark_client_id", "system_name", "logo", "footer_html", "wechat_qrcode", "wechat_login",
        "server_address", "turnstile_check", "turnstile_site_key", "top_up_link", "chat_link", "quota_per_unit",
        "display_in_currency", "oidc");
  }

  @Test
  void integrationOptionsAreAcceptedSecretsHiddenAndTogglesNeedTheirSettings() {
    ApiClient.Resp refused = root.put("/api/option/", new JsonObject().put("key", "GitHubOAuthEnabled")
        .put("value", "true"));
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.message()).contains("GitHubClientId");
    assertEnvelope(root.put("/api/option/", new JsonObject().put("key", "GitHubClientId").put("value", "cid")));
    assertEnvelope(root.put("/api/option/", new JsonObject().put("key", "GitHubClientSecret").put("value", "shh")));
    assertEnvelope(root.put("/api/option/", new JsonObject().put("key", "TurnstileSecretKey").put("value", "shh2")));
    assertEnvelope(root.put("/api/option/", new JsonObject().put("key", "GitHubOAuthEnabled").put("value", true)));
    String all = root.get("/api/option/").raw();
    assertThat(all).contains("GitHubClientId").doesNotContain("shh").doesNotContain("TurnstileSecretKey");
    ApiClient.Resp status = h.client().get("/api/status");
    assertThat(status.obj().getBoolean("github_oauth")).isTrue();
    assertThat(status.obj().getString("github_client_id")).isEqualTo("cid");
    assertThat(h.sql("SELECT content FROM logs WHERE type = 3 AND content LIKE '%GitHubClientSecret%'").iterator()
        .next().getString(0)).doesNotContain("shh");
    assertEnvelope(root.put("/api/option/", new JsonObject().put("key", "GitHubOAuthEnabled").put("value", false)));
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void changingRootsPasswordClearsTheDefaultPasswordWarning() {
    assertThat(h.client().get("/api/status").obj().getBoolean("root_password_is_default")).isTrue();
    assertEnvelope(root.put("/api/user/self", new JsonObject().put("password", "rootpass-new1")));
    ApiClient.Resp status = h.client().get("/api/status");
    assertThat(status.obj().getBoolean("root_password_is_default")).isFalse();
    assertThat(status.message()).isEmpty();
    assertThat(root.get("/api/user/self").success()).as("root keeps its session").isTrue();
    assertThat(h.client().post("/api/user/login", new JsonObject().put("username", "root")
        .put("password", "123456")).status()).isEqualTo(401);
  }

  @Test
  void concurrentRedeemsOfOneCodeCreditOnce() {
    ApiClient.Resp codes = root.post("/api/redemption/", new JsonObject().put("name", "promo").put("quota", 7000)
        .put("count", 3));
    assertEnvelope(codes);
    assertThat(codes.array()).hasSize(3);
    String code = codes.array().getString(0);
    assertThat(code).matches("[0-9a-f]{32}");
    int userId = h.createUser(root, "redeemer", "redeemerpass", Roles.COMMON);
    ApiClient user = h.login("redeemer", "redeemerpass");
    long before = h.sql("SELECT quota FROM users WHERE id = $1", userId).iterator().next().getLong(0);
    List<Future<HttpResponse<Buffer>>> all = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      all.add(h.web.post(h.apps.get(0).port(), "127.0.0.1", "/api/user/topup")
          .putHeader("Cookie", "session=" + user.cookie).putHeader("X-Requested-With", "x")
          .sendJsonObject(new JsonObject().put("key", code)));
    }
    int credited = 0;
    for (var f : all) {
      JsonObject body = ApiHarness.await(f, 30).bodyAsJsonObject();
      if (body.getBoolean("success")) {
        credited++;
        assertThat(body.getLong("data")).isEqualTo(7000L);
      } else {
        assertThat(body.getString("message")).contains("已被使用");
      }
    }
    assertThat(credited).isEqualTo(1);
    assertThat(h.sql("SELECT quota FROM users WHERE id = $1", userId).iterator().next().getLong(0))
        .isEqualTo(before + 7000);
    assertThat(h.sql("SELECT count(*) FROM logs WHERE type = 1 AND user_id = $1", userId).iterator().next()
        .getLong(0)).isEqualTo(1L);
    JsonObject row = root.get("/api/redemption/search?keyword=promo").array().stream().map(JsonObject.class::cast)
        .filter(r -> r.getString("key").equals(code)).findFirst().orElseThrow();
    assertThat(row.getInteger("status")).isEqualTo(3);
    assertThat(root.put("/api/redemption/?status_only=1", new JsonObject().put("id", row.getInteger("id"))
        .put("status", 1)).status()).isEqualTo(400);
    // admin top-up (the payment hook)
    assertEnvelope(root.post("/api/topup", new JsonObject().put("user_id", userId).put("quota", 500)
        .put("remark", "order 42")));
    assertThat(h.sql("SELECT quota FROM users WHERE id = $1", userId).iterator().next().getLong(0))
        .isEqualTo(before + 7500);
  }
}
