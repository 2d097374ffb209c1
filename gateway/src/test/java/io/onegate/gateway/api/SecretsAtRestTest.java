package io.onegate.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.cluster.ClusterNames;
import io.onegate.common.config.Settings;
import io.onegate.common.crypto.TokenVault;
import io.onegate.common.domain.ChangeNotice;
import io.onegate.testkit.Eventually;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 finding 6, secrets at rest: relay keys and access tokens are stored as a keyed digest (lookup) and a
 * sealed form (display), so a database dump yields no usable key, while owners still see their keys (One API's
 * token list and get) and the relay, scripts and INITIAL_ROOT_TOKEN / INITIAL_ROOT_ACCESS_TOKEN keep working;
 * plaintext rows (One API's database, a node of the previous version during a rolling upgrade) work at once and are
 * converted; a new CRYPTO_SECRET re-seals them through POST /api/channel/rekey.
 */
class SecretsAtRestTest {
  private static final String INITIAL_KEY = "initialRootKey0123456789abcdefABCDEF0123456789ab";
  private static final String INITIAL_ACCESS = "initialaccess0123456789abcdef012";
  private static ApiHarness h;
  private static ApiClient root;

  @BeforeAll
  static void start() throws Exception {
    h = ApiHarness.start(1, Map.of(Settings.INITIAL_ROOT_TOKEN.name(), "sk-" + INITIAL_KEY,
        Settings.INITIAL_ROOT_ACCESS_TOKEN.name(), INITIAL_ACCESS));
    root = h.root();
  }

  @AfterAll
  static void stop() {
    if (h != null) {
      h.close();
    }
  }

  /** The relay's answer to {@code GET /v1/models} with {@code key} (200 known, 401 not). */
  private static int relay(String key) {
    return ApiHarness.await(h.web.get(h.apps.get(0).port(), "127.0.0.1", "/v1/models")
        .putHeader("Authorization", "Bearer sk-" + key).send(), 30).statusCode();
  }

  private static ApiClient byAccessToken(String token) {
    ApiClient c = h.client();
    c.browser = false;
    c.accessToken = token;
    return c;
  }

  private static String dump() {
    StringBuilder out = new StringBuilder();
    h.sql("SELECT t::text FROM tokens t").forEach(r -> out.append(r.getString(0)).append('\n'));
    h.sql("SELECT u::text FROM users u").forEach(r -> out.append(r.getString(0)).append('\n'));
    return out.toString();
  }

  private static JsonObject listed(ApiClient owner, int id) {
    JsonArray all = owner.get("/api/token/?p=0").array();
    return all.stream().map(JsonObject.class::cast).filter(t -> t.getInteger("id") == id).findFirst().orElseThrow();
  }

  @Test
  void aDatabaseDumpHoldsNoUsableKeyWhileOwnersSeeTheirKeysAndEverythingWorks() {
    assertThat(relay(INITIAL_KEY)).as("INITIAL_ROOT_TOKEN relays").isEqualTo(200);
    assertThat(byAccessToken(INITIAL_ACCESS).get("/api/user/self").obj().getString("username"))
        .as("INITIAL_ROOT_ACCESS_TOKEN").isEqualTo("root");
    int userId = h.createUser(root, "keeper", "keeperpass", Roles.COMMON);
    ApiClient owner = h.login("keeper", "keeperpass");
    JsonObject created = owner.post("/api/token/", new JsonObject().put("name", "mine")
        .put("unlimited_quota", true)).obj();
    String key = created.getString("key");
    assertThat(key).hasSize(48);
    int id = created.getInteger("id");
    assertThat(listed(owner, id).getString("key")).as("One API's list shows the key to its owner").isEqualTo(key);
    assertThat(owner.get("/api/token/" + id).obj().getString("key")).isEqualTo(key);
    String defaultKey = owner.get("/api/token/?p=0").array().stream().map(JsonObject.class::cast)
        .filter(t -> t.getString("name").equals("default")).findFirst().orElseThrow().getString("key");
    String access = owner.get("/api/user/token").json().getString("data");
    Eventually.eventually(Duration.ofSeconds(2), () -> assertThat(relay(key)).as("after its notice").isEqualTo(200));
    assertThat(relay(defaultKey)).isEqualTo(200);
    assertThat(byAccessToken(access).get("/api/user/self").obj().getInteger("id")).isEqualTo(userId);

    String dump = dump();
    for (String secret : new String[] {key, defaultKey, access, INITIAL_KEY, INITIAL_ACCESS}) {
      assertThat(dump).as("a dump holds no usable secret").doesNotContain(secret);
    }
    var row = h.sql("SELECT key, key_digest, key_sealed FROM tokens WHERE id = $1", id).iterator().next();
    assertThat(row.getString("key_sealed")).startsWith("enc:v1:");
    for (String fromDump : new String[] {row.getString("key").trim(), row.getString("key_digest"),
        row.getString("key_sealed")}) {
      assertThat(relay(fromDump)).as("the dump's values do not relay: " + fromDump).isEqualTo(401);
    }
    String accessDigest = h.sql("SELECT access_token_digest FROM users WHERE id = $1", userId).iterator().next()
        .getString(0);
    assertThat(byAccessToken(accessDigest).get("/api/user/self").status()).isEqualTo(401);
  }

  @Test
  void plaintextRowsOfThePreviousVersionWorkAtOnceAndAreConverted() {
    int userId = h.createUser(root, "legacy", "legacypass", Roles.COMMON);
    String key = TokenKeys.relayKey(new SecureRandom());
    String access = TokenKeys.hex(new SecureRandom(), 32);
    // what One API, or a OneGate node of the previous version, writes
    int id = h.sql("INSERT INTO tokens (user_id, key, status, name, expired_time, remain_quota, unlimited_quota) "
        + "VALUES ($1, $2, 1, 'old', -1, 0, true) RETURNING id", userId, key).iterator().next().getInteger(0);
    h.sql("UPDATE users SET access_token = $2 WHERE id = $1", userId, access);
    h.runtimes.get(0).vertx().eventBus().publish(ClusterNames.CHANGES_ADDRESS,
        new ChangeNotice(ChangeNotice.Kind.TOKEN, id).toJson());
    Eventually.eventually(Duration.ofSeconds(5), () -> assertThat(relay(key)).isEqualTo(200));
    assertThat(byAccessToken(access).get("/api/user/self").obj().getInteger("id")).as("before its conversion")
        .isEqualTo(userId);
    ApiClient owner = h.login("legacy", "legacypass");
    assertThat(listed(owner, id).getString("key")).isEqualTo(key);

    Eventually.eventually(Duration.ofSeconds(SecretsAtRest.PERIOD_MILLIS / 1000 + 10), () ->
        assertThat(dump()).doesNotContain(key).doesNotContain(access));
    var row = h.sql("SELECT key, key_digest, key_sealed FROM tokens WHERE id = $1", id).iterator().next();
    assertThat(row.getString("key").trim()).isEqualTo(TokenVault.placeholder(row.getString("key_digest")));
    assertThat(h.vault().open(row.getString("key_sealed"))).isEqualTo(key);
    assertThat(relay(key)).as("the same digest: nothing to reload").isEqualTo(200);
    assertThat(listed(owner, id).getString("key")).isEqualTo(key);
    assertThat(byAccessToken(access).get("/api/user/self").obj().getInteger("id")).isEqualTo(userId);
  }

  @Test
  void rekeyReSealsRelayKeysAndAccessTokensOfThePreviousSecret() {
    String oldSecret = "the-previous-crypto-secret-42";
    TokenVault old = new TokenVault(oldSecret);
    int userId = h.createUser(root, "rotated", "rotatedpass", Roles.COMMON);
    String key = TokenKeys.relayKey(new SecureRandom());
    String access = TokenKeys.hex(new SecureRandom(), 32);
    String digest = old.digest(key);
    int id = h.sql("INSERT INTO tokens (user_id, key, key_digest, key_sealed, status, name, expired_time, "
            + "remain_quota, unlimited_quota) VALUES ($1, $2, $3, $4, 1, 'sealed-before', -1, 0, true) RETURNING id",
        userId, TokenVault.placeholder(digest), digest, old.seal(key)).iterator().next().getInteger(0);
    h.sql("UPDATE users SET access_token_digest = $2, access_token_sealed = $3 WHERE id = $1", userId,
        old.digest(access), old.seal(access));
    h.runtimes.get(0).vertx().eventBus().publish(ClusterNames.CHANGES_ADDRESS,
        new ChangeNotice(ChangeNotice.Kind.TOKEN, id).toJson());
    ApiClient owner = h.login("rotated", "rotatedpass");
    Eventually.eventually(Duration.ofSeconds(5), () -> assertThat(listed(owner, id).getString("key"))
        .as("unreadable under the current secret").isEmpty());
    assertThat(relay(key)).isEqualTo(401);
    assertThat(byAccessToken(access).get("/api/user/self").status()).isEqualTo(401);

    assertThat(RoleMatrixTest.refused(root.post("/api/channel/rekey", new JsonObject().put("old_secret",
        "not-the-previous-secret")))).contains("tokens #[" + id + "]").contains("nothing was changed");
    ApiClient.Resp rekeyed = root.post("/api/channel/rekey", new JsonObject().put("old_secret", oldSecret));
    assertThat(rekeyed.json().getInteger("data")).as(rekeyed.raw()).isEqualTo(2);
    Eventually.eventually(Duration.ofSeconds(5), () -> assertThat(relay(key)).isEqualTo(200));
    assertThat(listed(owner, id).getString("key")).isEqualTo(key);
    assertThat(byAccessToken(access).get("/api/user/self").obj().getInteger("id")).isEqualTo(userId);
    assertThat(h.sql("SELECT key_digest FROM tokens WHERE id = $1", id).iterator().next().getString(0))
        .isEqualTo(h.vault().digest(key));
  }
}
