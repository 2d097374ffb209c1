package io.onegate.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.options.Options;
import io.onegate.common.pricing.PriceBook;
import io.onegate.testkit.FakeOpenAiUpstream;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Replays One API's own web UI ({@code web/default} of songquanpeng/one-api) against OneGate, request by request
 * and with exactly the headers its axios client sends from the browser ({@link ApiClient}: the session cookie,
 * {@code Content-Type: application/json}, the same-origin {@code Origin} on writes, no {@code X-Requested-With}):
 * the bodies each page builds (including what it echoes back from a previous GET), the URLs with their query
 * strings, and what each page reads from the answer (HTTP 200, {@code success}, {@code message}, field names).
 * Every step is checked in the response and in PostgreSQL. A refusal must be HTTP 200 with {@code success:false}
 * and a message, as One API answers, because the UI shows nothing else.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CompatibilityReplayTest {
  /** What OperationSetting.js holds in its form (and sends when changed). */
  private static final List<String> OPERATION_KEYS = List.of("QuotaForNewUser", "QuotaForInviter", "QuotaForInvitee",
      "QuotaRemindThreshold", "PreConsumedQuota", "ModelRatio", "CompletionRatio", "GroupRatio", "TopUpLink",
      "ChatLink", "QuotaPerUnit", "AutomaticDisableChannelEnabled", "AutomaticEnableChannelEnabled",
      "ChannelDisableThreshold", "LogConsumeEnabled", "DisplayInCurrencyEnabled", "DisplayTokenStatEnabled",
      "ApproximateTokenEnabled", "RetryTimes");
  /** SystemSetting.js. */
  private static final List<String> SYSTEM_KEYS = List.of("PasswordLoginEnabled", "PasswordRegisterEnabled",
      "EmailVerificationEnabled", "GitHubOAuthEnabled", "GitHubClientId", "LarkClientId", "Notice", "SMTPServer",
      "SMTPPort", "SMTPAccount", "SMTPFrom", "ServerAddress", "Footer", "WeChatAuthEnabled", "WeChatServerAddress",
      "WeChatAccountQRCodeImageURL", "MessagePusherAddress", "TurnstileCheckEnabled", "TurnstileSiteKey",
      "RegisterEnabled", "EmailDomainRestrictionEnabled", "EmailDomainWhitelist");
  /** OtherSetting.js: every one is sent on its button, changed or not. */
  private static final List<String> OTHER_KEYS = List.of("Notice", "SystemName", "Logo", "HomePageContent", "About",
      "Footer");
  private static ApiHarness h;
  private static ApiClient root;
  private static Vertx fakeVertx;
  private static FakeOpenAiUpstream upstream;

  @BeforeAll
  static void start() throws Exception {
    h = ApiHarness.start(1, Map.of(), true);
    fakeVertx = Vertx.vertx();
    upstream = ApiHarness.await(new FakeOpenAiUpstream(fakeVertx).start(), 10);
    root = h.root();
  }

  @AfterAll
  static void stop() {
    if (h != null) {
      h.close();
    }
    if (fakeVertx != null) {
      io.onegate.common.process.ProcessRuntime.awaitQuietly(fakeVertx.close(), java.time.Duration.ofSeconds(10));
    }
  }

  /** One API's success: HTTP 200, {@code success:true}, a {@code message} field. */
  private static ApiClient.Resp ok(ApiClient.Resp r) {
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    assertThat(r.json().fieldNames()).as(r.raw()).contains("success", "message");
    assertThat(r.success()).as(r.raw()).isTrue();
    return r;
  }

  private static Row row(String sql, Object... args) {
    var rows = h.sql(sql, args);
    assertThat(rows.size()).as(sql).isPositive();
    return rows.iterator().next();
  }

  private static long count(String sql, Object... args) {
    return row(sql, args).getLong(0);
  }

  private static Map<String, String> optionsTable() {
    Map<String, String> out = new TreeMap<>();
    h.sql("SELECT key, value FROM options").forEach(r -> out.put(r.getString(0), r.getString(1)));
    return out;
  }

  /** GET /api/option/ as a map (the pages' {@code data.forEach(item => inputs[item.key] = item.value)}). */
  private static Map<String, String> loadOptions() {
    Map<String, String> out = new LinkedHashMap<>();
    ok(root.get("/api/option/")).array().forEach(o -> out.put(((JsonObject) o).getString("key"),
        ((JsonObject) o).getString("value")));
    return out;
  }

  @Test
  @Order(1)
  void loginAndTheHeader() {
    ApiClient browser = h.client();
    ApiClient.Resp wrong = browser.post("/api/user/login", new JsonObject().put("username", "root")
        .put("password", "wrong-password"));
    assertThat(RoleMatrixTest.refused(wrong)).as("LoginForm shows the message").contains("用户名或密码错误");
    ApiClient.Resp login = ok(browser.post("/api/user/login", new JsonObject().put("username", "root")
        .put("password", "123456")));
    assertThat(login.obj().fieldNames()).containsExactlyInAnyOrder("id", "username", "display_name", "role",
        "status");
    assertThat(login.obj().getInteger("role")).isEqualTo(100);
    assertThat(browser.cookie).as("the session cookie").isNotNull();
    assertThat(ok(browser.get("/api/user/self")).obj().fieldNames()).contains("id", "username", "display_name",
        "role", "status", "email", "quota", "used_quota", "request_count", "group", "aff_code")
        .doesNotContain("password", "access_token");
    assertThat(ok(h.client().get("/api/status")).obj().fieldNames()).contains("version", "start_time",
        "email_verification", "github_oauth", "github_client_id", "lark_client_id", "system_name", "logo",
        "footer_html", "wechat_qrcode", "wechat_login", "server_address", "turnstile_check", "turnstile_site_key",
        "top_up_link", "chat_link", "quota_per_unit", "display_in_currency", "oidc");
    ApiClient anonymous = h.client();
    ApiClient.Resp notLoggedIn = anonymous.get("/api/user/self");
    assertThat(notLoggedIn.status()).as("the UI sends the user to /login on 401").isEqualTo(401);
    assertThat(notLoggedIn.success()).isFalse();
  }

  @Test
  @Order(2)
  void channelsPage() {
    // EditChannel.js, batch mode: one channel per key line
    JsonObject add = new JsonObject().put("name", "replay").put("type", 1)
        .put("key", "sk-replay-key-1111\nsk-replay-key-2222\nsk-replay-key-3333").put("base_url", upstream.baseUrl())
        .put("other", "").put("model_mapping", "").put("models", "gpt-3.5-turbo,gpt-4o-mini")
        .put("groups", new JsonArray().add("default")).put("group", "default")
        .put("config", "{\"region\":\"\",\"sk\":\"\",\"ak\":\"\",\"user_id\":\"\",\"vertex_ai_project_id\":\"\","
            + "\"vertex_ai_adc\":\"\"}");
    ok(root.post("/api/channel/", add));
    assertThat(count("SELECT count(*) FROM channels WHERE name = 'replay' AND key LIKE 'enc:v1:%'")).isEqualTo(3L);
    assertThat(count("SELECT count(*) FROM abilities a JOIN channels c ON c.id = a.channel_id WHERE c.name = "
        + "'replay' AND a.enabled")).as("3 channels x 1 group x 2 models").isEqualTo(6L);

    // ChannelsTable.js
    JsonArray list = ok(root.get("/api/channel/?p=0")).array();
    assertThat(list).hasSize(3);
    JsonObject first = list.getJsonObject(0);
    assertThat(first.fieldNames()).contains("id", "type", "status", "name", "weight", "created_time", "test_time",
        "response_time", "base_url", "other", "balance", "balance_updated_time", "models", "group", "used_quota",
        "model_mapping", "priority", "config").doesNotContain("key");
    assertThat(ok(root.get("/api/channel/search?keyword=replay")).array()).hasSize(3);
    int id = first.getInteger("id");

    // the priority cell: PUT {id, priority} on blur; the table takes data.status
    ApiClient.Resp priority = ok(root.put("/api/channel/", new JsonObject().put("id", id).put("priority", 5)));
    assertThat(priority.obj().getInteger("status")).isEqualTo(1);
    assertThat(row("SELECT priority FROM channels WHERE id = $1", id).getLong(0)).isEqualTo(5L);
    assertThat(count("SELECT count(*) FROM abilities WHERE channel_id = $1 AND priority = 5", id)).isEqualTo(2L);

    // full edit: EditChannel.js loads the channel, splits models/group, and PUTs everything back (key_masked
    // included, no key) with its config object
    JsonObject loaded = ok(root.get("/api/channel/" + id)).obj();
    assertThat(loaded.getString("key_masked")).startsWith("sk-r").contains("****");
    String cipherBefore = row("SELECT key FROM channels WHERE id = $1", id).getString(0);
    JsonObject edit = loaded.copy();
    edit.put("groups", new JsonArray(List.of(loaded.getString("group").split(","))));
    edit.put("name", "replay-edited").put("models", loaded.getString("models") + ",gpt-4o");
    edit.put("group", "default");
    edit.put("config", loaded.getString("config").isEmpty() ? add.getString("config") : loaded.getString("config"));
    edit.put("id", id);
    ApiClient.Resp edited = ok(root.put("/api/channel/", edit));
    assertThat(edited.obj().getString("name")).isEqualTo("replay-edited");
    Row stored = row("SELECT name, models, key, priority FROM channels WHERE id = $1", id);
    assertThat(stored.getString(0)).isEqualTo("replay-edited");
    assertThat(stored.getString(1)).isEqualTo("gpt-3.5-turbo,gpt-4o-mini,gpt-4o");
    assertThat(stored.getString(2)).as("echoing key_masked keeps the key").isEqualTo(cipherBefore);
    assertThat(count("SELECT count(*) FROM abilities WHERE channel_id = $1", id)).isEqualTo(3L);

    // test: GET /api/channel/test/:id/ -> {success, message, time}; the health worker calls the upstream
    int before = upstream.requests().size();
    ApiClient.Resp test = ok(root.get("/api/channel/test/" + id + "/"));
    assertThat(test.json().getValue("time")).isInstanceOf(Number.class);
    assertThat(upstream.requests().size()).isGreaterThan(before);
    assertThat(row("SELECT test_time FROM channels WHERE id = $1", id).getLong(0)).isPositive();
    ok(root.get("/api/channel/test"));

    // enable / disable buttons
    assertThat(ok(root.put("/api/channel/", new JsonObject().put("id", id).put("status", 2))).obj()
        .getInteger("status")).isEqualTo(2);
    assertThat(row("SELECT status FROM channels WHERE id = $1", id).getInteger(0)).isEqualTo(2);
    assertThat(count("SELECT count(*) FROM abilities WHERE channel_id = $1 AND enabled", id)).isZero();
    ok(root.put("/api/channel/", new JsonObject().put("id", id).put("status", 1)));
    assertThat(count("SELECT count(*) FROM abilities WHERE channel_id = $1 AND enabled", id)).isEqualTo(3L);

    // delete one (trailing slash), then "delete disabled" (one manual, one auto-disabled)
    int deleted = list.getJsonObject(1).getInteger("id");
    ok(root.delete("/api/channel/" + deleted + "/"));
    assertThat(count("SELECT count(*) FROM channels WHERE id = $1", deleted)).isZero();
    assertThat(count("SELECT count(*) FROM abilities WHERE channel_id = $1", deleted)).isZero();
    int last = list.getJsonObject(2).getInteger("id");
    ok(root.put("/api/channel/", new JsonObject().put("id", last).put("status", 2)));
    h.sql("UPDATE channels SET status = 3 WHERE id = $1", id); // what the health worker writes
    ApiClient.Resp purge = ok(root.delete("/api/channel/disabled"));
    assertThat(purge.json().getInteger("data")).isEqualTo(2);
    assertThat(count("SELECT count(*) FROM channels WHERE name LIKE 'replay%'")).isZero();

    RoleMatrixTest.refused(root.get("/api/channel/999999"));
    assertThat(RoleMatrixTest.refused(root.post("/api/channel/", add.copy().put("models", ""))))
        .contains("models");
  }

  @Test
  @Order(3)
  void tokensPage() {
    // EditToken.js (create): name, remain_quota, expired_time, unlimited_quota, models, subnet
    ApiClient.Resp created = ok(root.post("/api/token/", new JsonObject().put("name", "replay-token")
        .put("remain_quota", 500000).put("expired_time", -1).put("unlimited_quota", false).put("models", "")
        .put("subnet", "")));
    int id = created.obj().getInteger("id");
    Row stored = row("SELECT name, remain_quota, unlimited_quota, status, key_sealed FROM tokens WHERE id = $1", id);
    assertThat(stored.getString(0)).isEqualTo("replay-token");
    assertThat(stored.getLong(1)).isEqualTo(500000L);
    String key = h.vault().open(stored.getString(4));
    assertThat(key).hasSize(48);

    // TokensTable.js lists with full keys (the copy buttons build sk-<key>)
    JsonObject listed = ok(root.get("/api/token/?p=0")).array().stream().map(JsonObject.class::cast)
        .filter(t -> t.getInteger("id") == id).findFirst().orElseThrow();
    assertThat(listed.fieldNames()).contains("id", "user_id", "key", "status", "name", "created_time",
        "accessed_time", "expired_time", "remain_quota", "unlimited_quota", "used_quota", "models", "subnet");
    assertThat(listed.getString("key")).isEqualTo(key);

    // EditToken.js (edit): GET, then PUT everything back with the changes (the key is echoed too)
    JsonObject token = ok(root.get("/api/token/" + id)).obj();
    ok(root.put("/api/token/", token.copy().put("name", "replay-token-2").put("remain_quota", 700000)
        .put("id", id)));
    stored = row("SELECT name, remain_quota, key_sealed FROM tokens WHERE id = $1", id);
    assertThat(stored.getString(0)).isEqualTo("replay-token-2");
    assertThat(stored.getLong(1)).isEqualTo(700000L);
    assertThat(h.vault().open(stored.getString(2))).as("the echoed key changes nothing").isEqualTo(key);

    // the status buttons: ?status_only=true; the table reads data.status
    assertThat(ok(root.put("/api/token/?status_only=true", new JsonObject().put("id", id).put("status", 2))).obj()
        .getInteger("status")).isEqualTo(2);
    assertThat(row("SELECT status FROM tokens WHERE id = $1", id).getInteger(0)).isEqualTo(2);
    ok(root.put("/api/token/?status_only=true", new JsonObject().put("id", id).put("status", 1)));
    assertThat(row("SELECT status FROM tokens WHERE id = $1", id).getInteger(0)).isEqualTo(1);
    // an exhausted token cannot be switched back on until its quota is raised
    ok(root.put("/api/token/", token.copy().put("remain_quota", 0).put("unlimited_quota", false).put("id", id)));
    ok(root.put("/api/token/?status_only=true", new JsonObject().put("id", id).put("status", 2)));
    assertThat(RoleMatrixTest.refused(root.put("/api/token/?status_only=true", new JsonObject().put("id", id)
        .put("status", 1)))).contains("额度已用尽");
    assertThat(row("SELECT status FROM tokens WHERE id = $1", id).getInteger(0)).isEqualTo(2);

    ok(root.delete("/api/token/" + id + "/"));
    assertThat(count("SELECT count(*) FROM tokens WHERE id = $1", id)).isZero();
    RoleMatrixTest.refused(root.delete("/api/token/" + id + "/"));
  }

  @Test
  @Order(4)
  void usersPage() {
    // AddUser.js
    ok(root.post("/api/user/", new JsonObject().put("username", "replay_u").put("display_name", "Replay")
        .put("password", "replaypass1")));
    Row user = row("SELECT id, role, status, display_name FROM users WHERE username = 'replay_u'");
    int id = user.getInteger(0);
    assertThat(user.getInteger(1)).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM tokens WHERE user_id = $1 AND name = 'default'", id)).isEqualTo(1L);
    assertThat(RoleMatrixTest.refused(root.post("/api/user/", new JsonObject().put("username", "replay_u")
        .put("display_name", "Again").put("password", "replaypass1")))).as("a taken username").isNotBlank();

    // UsersTable.js, then EditUser.js: GET, password '', quota typed (a string, parseInt'ed), PUT everything back
    assertThat(ok(root.get("/api/user/?p=0")).array().stream().map(JsonObject.class::cast)
        .anyMatch(u -> u.getInteger("id") == id)).isTrue();
    JsonObject loaded = ok(root.get("/api/user/" + id)).obj();
    JsonObject edit = loaded.copy().put("password", "").put("quota", Integer.parseInt("1000000")).put("id", id);
    ok(root.put("/api/user/", edit));
    assertThat(row("SELECT quota, role, username FROM users WHERE id = $1", id).getLong(0)).isEqualTo(1000000L);
    assertThat(count("SELECT count(*) FROM logs WHERE type = 3 AND user_id = $1 AND content LIKE '%管理员将用户额度从%'",
        id)).isEqualTo(1L);

    // manage buttons: the table reads data.role / data.status
    JsonObject disabled = ok(root.post("/api/user/manage", new JsonObject().put("username", "replay_u")
        .put("action", "disable"))).obj();
    assertThat(disabled.getInteger("status")).isEqualTo(2);
    assertThat(row("SELECT status FROM users WHERE id = $1", id).getInteger(0)).isEqualTo(2);
    assertThat(ok(root.post("/api/user/manage", new JsonObject().put("username", "replay_u")
        .put("action", "enable"))).obj().getInteger("status")).isEqualTo(1);
    assertThat(ok(root.post("/api/user/manage", new JsonObject().put("username", "replay_u")
        .put("action", "promote"))).obj().getInteger("role")).isEqualTo(10);
    assertThat(row("SELECT role FROM users WHERE id = $1", id).getInteger(0)).isEqualTo(10);
    ok(root.post("/api/user/manage", new JsonObject().put("username", "replay_u").put("action", "demote")));
    assertThat(RoleMatrixTest.refused(root.post("/api/user/manage", new JsonObject().put("username", "replay_u")
        .put("action", "demote")))).contains("普通用户");
    ok(root.post("/api/user/manage", new JsonObject().put("username", "replay_u").put("action", "delete")));
    Row gone = row("SELECT status, username FROM users WHERE id = $1", id);
    assertThat(gone.getInteger(0)).isEqualTo(3);
    assertThat(gone.getString(1)).startsWith("deleted_");
    assertThat(RoleMatrixTest.refused(root.post("/api/user/manage", new JsonObject().put("username", "replay_u")
        .put("action", "enable")))).contains("用户不存在");
  }

  @Test
  @Order(5)
  void redemptionsAndTopUp() {
    // EditRedemption.js: {name, quota, count} -> the keys (the UI copies them)
    JsonArray keys = ok(root.post("/api/redemption/", new JsonObject().put("name", "replay").put("quota", 250000)
        .put("count", 2))).array();
    assertThat(keys).hasSize(2);
    assertThat(count("SELECT count(*) FROM redemptions WHERE name = 'replay' AND status = 1")).isEqualTo(2L);
    JsonObject listed = ok(root.get("/api/redemption/?p=0")).array().getJsonObject(0);
    assertThat(listed.fieldNames()).contains("id", "user_id", "key", "status", "name", "quota", "created_time",
        "redeemed_time");
    int second = h.sql("SELECT id FROM redemptions WHERE key = $1", keys.getString(1)).iterator().next()
        .getInteger(0);
    ok(root.put("/api/redemption/?status_only=true", new JsonObject().put("id", second).put("status", 2)));
    assertThat(row("SELECT status FROM redemptions WHERE id = $1", second).getInteger(0)).isEqualTo(2);

    // TopUp/index.js as a common user: {key} -> data = the quota added
    h.createUser(root, "topper", "topperpass1", Roles.COMMON);
    ApiClient user = h.login("topper", "topperpass1");
    long before = row("SELECT quota FROM users WHERE username = 'topper'").getLong(0);
    ApiClient.Resp redeemed = ok(user.post("/api/user/topup", new JsonObject().put("key", keys.getString(0))));
    assertThat(redeemed.json().getLong("data")).isEqualTo(250000L);
    assertThat(row("SELECT quota FROM users WHERE username = 'topper'").getLong(0)).isEqualTo(before + 250000);
    assertThat(row("SELECT status, redeemed_by FROM redemptions WHERE key = $1", keys.getString(0)).getInteger(0))
        .isEqualTo(3);
    assertThat(RoleMatrixTest.refused(user.post("/api/user/topup", new JsonObject().put("key", keys.getString(0)))))
        .contains("已被使用");
    assertThat(RoleMatrixTest.refused(user.post("/api/user/topup", new JsonObject().put("key", keys.getString(1)))))
        .contains("禁用");
    ok(root.delete("/api/redemption/" + second + "/"));
    assertThat(count("SELECT count(*) FROM redemptions WHERE id = $1", second)).isZero();
  }

  @Test
  @Order(6)
  void settingsPagesLoadRealValuesAndSavingThemUnchangedChangesNothing() {
    ok(root.put("/api/option/", new JsonObject().put("key", "ModelPrice")
        .put("value", "{\"replay-call\":0.04,\"replay-tokens\":{\"input\":3,\"output\":15}}")));
    Map<String, String> tableBefore = optionsTable();
    long auditBefore = count("SELECT count(*) FROM logs WHERE type = 3");

    // OperationSetting.js getOptions(): JSON.parse + stringify of each ratio map, '{}' -> ''
    Map<String, String> options = loadOptions();
    Map<String, String> inputs = new LinkedHashMap<>();
    options.forEach((key, value) -> {
      if (key.equals("ModelRatio") || key.equals("GroupRatio") || key.equals("CompletionRatio")) {
        value = new JsonObject(value).encodePrettily(); // throws like JSON.parse on "" (the blank page bug)
      }
      inputs.put(key, value.equals("{}") ? "" : value);
    });
    assertThat(inputs.keySet()).containsAll(OPERATION_KEYS).containsAll(SYSTEM_KEYS).containsAll(OTHER_KEYS)
        .doesNotContain("SMTPToken", "GitHubClientSecret", "TurnstileSecretKey", "WebhookSecret");
    assertThat(inputs.get("QuotaPerUnit")).isEqualTo("500000");
    assertThat(inputs.get("PreConsumedQuota")).isEqualTo("500");
    assertThat(inputs.get("RetryTimes")).isEqualTo("0");
    assertThat(inputs.get("DisplayInCurrencyEnabled")).isEqualTo("true");
    assertThat(new JsonObject(inputs.get("ModelRatio")).getDouble("gpt-3.5-turbo")).isEqualTo(0.25);
    assertThat(new JsonObject(inputs.get("GroupRatio")).fieldNames()).contains("default");

    // every JSON map parses and is exactly what the relay prices with
    PriceBook book = PriceBook.from(ApiHarness.await(Options.load(h.runtimes.get(0).pg()), 10));
    new JsonObject(options.get("ModelRatio")).forEach(e -> assertThat(book.price(e.getKey(), 1, "default")
        .orElseThrow().modelRatio()).as(e.getKey()).isEqualTo(((Number) e.getValue()).doubleValue()));
    new JsonObject(options.get("CompletionRatio")).forEach(e -> book.price(e.getKey(), 1, "default")
        .ifPresent(p -> assertThat(p.completionRatio()).as(e.getKey())
            .isEqualTo(((Number) e.getValue()).doubleValue())));
    new JsonObject(options.get("GroupRatio")).forEach(e -> assertThat(book.groupRatio(e.getKey()))
        .isEqualTo(((Number) e.getValue()).doubleValue()));
    JsonObject prices = new JsonObject(options.get("ModelPrice"));
    assertThat(book.price("replay-call", 1, "default").orElseThrow().modelPrice().perCall())
        .isEqualTo(prices.getDouble("replay-call"));
    assertThat(book.price("replay-tokens", 1, "default").orElseThrow().modelPrice().outputPerMillion())
        .isEqualTo(prices.getJsonObject("replay-tokens").getDouble("output"));

    // saving every page unchanged: OperationSetting sends only what differs from what it loaded (nothing), and
    // a script that sends the whole page back (maps pretty-printed, numbers as typed) changes nothing either
    for (String key : OPERATION_KEYS) {
      ok(root.put("/api/option/", new JsonObject().put("key", key).put("value", inputs.get(key))));
    }
    ok(root.put("/api/option/", new JsonObject().put("key", "QuotaPerUnit").put("value", "500000.0")));
    ok(root.put("/api/option/", new JsonObject().put("key", "ModelPrice").put("value",
        new JsonObject(options.get("ModelPrice")).encodePrettily())));
    // SystemSetting.js: "update server address" always sends; the other sections only changed values
    ok(root.put("/api/option/", new JsonObject().put("key", "ServerAddress").put("value", inputs.get("ServerAddress"))));
    for (String key : SYSTEM_KEYS) {
      ok(root.put("/api/option/", new JsonObject().put("key", key).put("value", inputs.get(key))));
    }
    // OtherSetting.js: every button sends its value
    for (String key : OTHER_KEYS) {
      ok(root.put("/api/option/", new JsonObject().put("key", key).put("value", inputs.get(key))));
    }
    assertThat(optionsTable()).as("the options table is unchanged").isEqualTo(tableBefore);
    assertThat(count("SELECT count(*) FROM logs WHERE type = 3")).as("nothing audited").isEqualTo(auditBefore);

    // real changes: a switch (updateOption flips it), a ratio added in the textarea, a number
    ok(root.put("/api/option/", new JsonObject().put("key", "LogConsumeEnabled")
        .put("value", inputs.get("LogConsumeEnabled").equals("true") ? "false" : "true")));
    assertThat(optionsTable()).containsEntry("LogConsumeEnabled", "false");
    JsonObject ratios = new JsonObject(inputs.get("ModelRatio")).put("replay-model", 2.5);
    ok(root.put("/api/option/", new JsonObject().put("key", "ModelRatio").put("value", ratios.encodePrettily())));
    assertThat(optionsTable()).as("only what differs from the built-in table is stored")
        .containsEntry("ModelRatio", "{\"replay-model\":2.5}");
    JsonObject shown = new JsonObject(loadOptions().get("ModelRatio"));
    assertThat(shown.getDouble("replay-model")).isEqualTo(2.5);
    assertThat(shown.getDouble("gpt-4")).isEqualTo(15.0);
    ok(root.put("/api/option/", new JsonObject().put("key", "QuotaForNewUser").put("value", "100")));
    assertThat(optionsTable()).containsEntry("QuotaForNewUser", "100");

    // values that would break the system are refused with a message, storing nothing
    Map<String, String> beforeRefusals = optionsTable();
    for (String[] bad : new String[][] {{"QuotaPerUnit", "0"}, {"QuotaPerUnit", "-5"}, {"RetryTimes", "-1"},
        {"ModelRatio", "{\"gpt-4\": -1}"}, {"ModelRatio", "not json"}, {"CompletionRatio", "[1, 2]"},
        {"GroupRatio", "{\"vip\": 1}"}, {"ModelPrice", "{\"m\": \"cheap\"}"}, {"ModelPrice", "{\"m\": {\"in\": 1}}"},
        {"SMTPPort", "0"}, {"RegisterEnabled", "yes"}, {"NoSuchOption", "1"}}) {
      assertThat(RoleMatrixTest.refused(root.put("/api/option/", new JsonObject().put("key", bad[0])
          .put("value", bad[1])))).as(bad[0] + "=" + bad[1]).isNotBlank();
    }
    assertThat(RoleMatrixTest.refused(root.put("/api/option/", new JsonObject().put("key", "GroupRatio")
        .put("value", "{\"vip\": 1}")))).as("users are in group default").contains("default");
    assertThat(optionsTable()).isEqualTo(beforeRefusals);

    // the log cleaning button of OperationSetting.js
    ApiClient.Resp cleaned = ok(root.delete("/api/log/?target_timestamp=1"));
    assertThat(cleaned.json().getValue("data")).isInstanceOf(Number.class);
  }

  @Test
  @Order(7)
  void logsStatsAndDashboard() {
    int userId = h.createUser(root, "logger", "loggerpass1", Roles.COMMON);
    ApiClient user = h.login("logger", "loggerpass1");
    long now = System.currentTimeMillis() / 1000;
    for (int i = 0; i < 3; i++) { // consume logs as the billing worker writes them
      h.sql("INSERT INTO logs (user_id, created_at, type, content, username, token_name, model_name, quota, "
              + "prompt_tokens, completion_tokens, channel_id, request_id, elapsed_time, is_stream) VALUES "
              + "($1, $2, 2, '模型倍率 0.25', 'logger', 'default', 'gpt-3.5-turbo', 1000, 10, 20, 1, $3, 321, false)",
          userId, now - i * 60, "replay-req-" + i);
    }
    // LogsTable.js (admin): every filter present, empty ones as empty strings
    String range = "&start_timestamp=0&end_timestamp=" + (now + 3600);
    JsonArray logs = ok(root.get("/api/log/?p=0&type=0&username=&token_name=&model_name=" + range + "&channel="))
        .array();
    assertThat(logs).isNotEmpty();
    JsonObject consume = logs.stream().map(JsonObject.class::cast).filter(l -> l.getInteger("type") == 2)
        .findFirst().orElseThrow();
    assertThat(consume.fieldNames()).contains("id", "user_id", "created_at", "type", "content", "username",
        "token_name", "model_name", "quota", "prompt_tokens", "completion_tokens", "channel");
    assertThat(ok(root.get("/api/log/?p=0&type=2&username=logger&token_name=&model_name=gpt-3.5-turbo" + range
        + "&channel=1")).array()).hasSize(3);
    assertThat(ok(root.get("/api/log/stat?type=0&username=logger&token_name=&model_name=" + range + "&channel="))
        .obj().getLong("quota")).isEqualTo(3000L);
    // as the user: /api/log/self/ (trailing slash) and its stat and search
    JsonArray own = ok(user.get("/api/log/self/?p=0&type=0&token_name=&model_name=" + range)).array();
    assertThat(own.stream().map(JsonObject.class::cast).filter(l -> l.getInteger("type") == 2)).hasSize(3);
    assertThat(ok(user.get("/api/log/self/stat?type=0&token_name=&model_name=" + range)).obj().getLong("quota"))
        .isEqualTo(3000L);
    assertThat(ok(user.get("/api/log/self/search?keyword=2")).array()).hasSize(3);
    assertThat(RoleMatrixTest.refused(user.get("/api/log/?p=0"))).contains("权限不足");

    // Dashboard/index.js
    JsonArray dashboard = ok(user.get("/api/user/dashboard")).array();
    assertThat(dashboard).hasSize(1);
    JsonObject day = dashboard.getJsonObject(0);
    assertThat(day.fieldNames()).containsExactlyInAnyOrder("Day", "ModelName", "RequestCount", "Quota",
        "PromptTokens", "CompletionTokens");
    assertThat(day.getLong("RequestCount")).isEqualTo(3L);
    assertThat(day.getLong("Quota")).isEqualTo(3000L);
    // PersonalSetting.js: generate the access token (a GET with an effect), invite link
    String accessToken = ok(user.get("/api/user/token")).json().getString("data");
    assertThat(row("SELECT access_token_digest FROM users WHERE id = $1", userId).getString(0))
        .isEqualTo(h.vault().digest(accessToken));
    assertThat(ok(user.get("/api/user/aff")).json().getString("data")).isNotBlank();
    ok(user.put("/api/user/self", new JsonObject().put("display_name", "Logger")));
    assertThat(row("SELECT display_name FROM users WHERE id = $1", userId).getString(0)).isEqualTo("Logger");
  }

  @Test
  @Order(8)
  void registrationAppliesNewUserAndInviteBonusesWithSystemLogs() {
    for (String[] kv : new String[][] {{"QuotaForNewUser", "100"}, {"QuotaForInviter", "30"},
        {"QuotaForInvitee", "20"}}) {
      ok(root.put("/api/option/", new JsonObject().put("key", kv[0]).put("value", kv[1])));
    }
    int inviter = h.createUser(root, "inviter", "inviterpass", Roles.COMMON);
    String aff = ok(h.login("inviter", "inviterpass").get("/api/user/aff")).json().getString("data");
    assertThat(aff).hasSize(4);
    long before = row("SELECT quota FROM users WHERE id = $1", inviter).getLong(0);
    // RegisterForm.js
    ok(h.client().post("/api/user/register", new JsonObject().put("username", "newbie").put("password",
        "newbiepass").put("password2", "newbiepass").put("email", "").put("verification_code", "")
        .put("aff_code", aff)));
    Row newbie = row("SELECT id, quota, inviter_id, role FROM users WHERE username = 'newbie'");
    assertThat(newbie.getLong(1)).isEqualTo(120L);
    assertThat(newbie.getInteger(2)).isEqualTo(inviter);
    assertThat(newbie.getInteger(3)).isEqualTo(1);
    assertThat(row("SELECT quota FROM users WHERE id = $1", inviter).getLong(0)).isEqualTo(before + 30);
    assertThat(count("SELECT count(*) FROM logs WHERE type = 4 AND user_id = $1", newbie.getInteger(0)))
        .isEqualTo(2L);
    assertThat(count("SELECT count(*) FROM tokens WHERE user_id = $1 AND name = 'default' AND unlimited_quota",
        newbie.getInteger(0))).isEqualTo(1L);
    assertThat(RoleMatrixTest.refused(h.client().post("/api/user/register", new JsonObject()
        .put("username", "newbie").put("password", "newbiepass")))).contains("用户名已存在");
    ok(root.put("/api/option/", new JsonObject().put("key", "RegisterEnabled").put("value", "false")));
    assertThat(RoleMatrixTest.refused(h.client().post("/api/user/register", new JsonObject()
        .put("username", "late").put("password", "latepass1")))).contains("注册");
    ok(root.put("/api/option/", new JsonObject().put("key", "RegisterEnabled").put("value", "true")));
  }

  @Test
  @Order(9)
  void integrationOptionsAreAcceptedSecretsHiddenAndTogglesNeedTheirSettings() {
    assertThat(RoleMatrixTest.refused(root.put("/api/option/", new JsonObject().put("key", "GitHubOAuthEnabled")
        .put("value", "true")))).contains("GitHubClientId");
    ok(root.put("/api/option/", new JsonObject().put("key", "GitHubClientId").put("value", "cid")));
    ok(root.put("/api/option/", new JsonObject().put("key", "GitHubClientSecret").put("value", "shh")));
    ok(root.put("/api/option/", new JsonObject().put("key", "TurnstileSecretKey").put("value", "shh2")));
    ok(root.put("/api/option/", new JsonObject().put("key", "GitHubOAuthEnabled").put("value", "true")));
    String all = root.get("/api/option/").raw();
    assertThat(all).contains("GitHubClientId").doesNotContain("shh").doesNotContain("TurnstileSecretKey");
    ApiClient.Resp status = ok(h.client().get("/api/status"));
    assertThat(status.obj().getBoolean("github_oauth")).isTrue();
    assertThat(status.obj().getString("github_client_id")).isEqualTo("cid");
    assertThat(row("SELECT content FROM logs WHERE type = 3 AND content LIKE '%GitHubClientSecret%'").getString(0))
        .doesNotContain("shh");
    ok(root.put("/api/option/", new JsonObject().put("key", "GitHubOAuthEnabled").put("value", "false")));
  }

  @Test
  @Order(10)
  void concurrentRedeemsOfOneCodeCreditOnce() {
    String code = ok(root.post("/api/redemption/", new JsonObject().put("name", "promo").put("quota", 7000)
        .put("count", 1))).array().getString(0);
    int userId = h.createUser(root, "redeemer", "redeemerpass", Roles.COMMON);
    ApiClient user = h.login("redeemer", "redeemerpass");
    long before = row("SELECT quota FROM users WHERE id = $1", userId).getLong(0);
    List<Future<HttpResponse<Buffer>>> all = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      all.add(h.web.post(h.apps.get(0).port(), "127.0.0.1", "/api/user/topup")
          .putHeader("Cookie", "session=" + user.cookie)
          .putHeader("Origin", "http://127.0.0.1:" + h.apps.get(0).port())
          .sendJsonObject(new JsonObject().put("key", code)));
    }
    int credited = 0;
    for (var f : all) {
      HttpResponse<Buffer> response = ApiHarness.await(f, 30);
      assertThat(response.statusCode()).isEqualTo(200);
      JsonObject body = response.bodyAsJsonObject();
      if (body.getBoolean("success")) {
        credited++;
        assertThat(body.getLong("data")).isEqualTo(7000L);
      } else {
        assertThat(body.getString("message")).contains("已被使用");
      }
    }
    assertThat(credited).isEqualTo(1);
    assertThat(row("SELECT quota FROM users WHERE id = $1", userId).getLong(0)).isEqualTo(before + 7000);
    assertThat(count("SELECT count(*) FROM logs WHERE type = 1 AND user_id = $1", userId)).isEqualTo(1L);
    ok(root.post("/api/topup", new JsonObject().put("user_id", userId).put("quota", 500).put("remark", "order 42")));
    assertThat(row("SELECT quota FROM users WHERE id = $1", userId).getLong(0)).isEqualTo(before + 7500);
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void changingRootsPasswordClearsTheDefaultPasswordWarning() {
    assertThat(ok(h.client().get("/api/status")).obj().getBoolean("root_password_is_default")).isTrue();
    ok(root.put("/api/user/self", new JsonObject().put("password", "rootpass-new1")));
    ApiClient.Resp status = ok(h.client().get("/api/status"));
    assertThat(status.obj().getBoolean("root_password_is_default")).isFalse();
    assertThat(status.message()).isEmpty();
    assertThat(root.get("/api/user/self").success()).as("root keeps its session").isTrue();
    RoleMatrixTest.refused(h.client().post("/api/user/login", new JsonObject().put("username", "root")
        .put("password", "123456")));
  }
}
