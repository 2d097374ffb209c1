package io.onegate.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every route with no credential (401), with each role below its level (HTTP 200, success:false, "权限不足", as One
 * API) and with the role that may use it (no role refusal); plus One API's rules on who may manage whom. A refusal
 * is HTTP 200 with success:false ({@link #refused}).
 */
class RoleMatrixTest {
  private static ApiHarness h;
  private static ApiClient root;
  private static ApiClient admin;
  private static ApiClient common;
  private static int rootId;
  private static int adminId;
  private static int commonId;

  record Route(HttpMethod method, String path, int minRole, JsonObject body) {
  }

  private static final JsonObject EMPTY = new JsonObject();
  private static final List<Route> ROUTES = List.of(
      new Route(HttpMethod.GET, "/api/status", -1, null),
      new Route(HttpMethod.GET, "/api/notice", -1, null),
      new Route(HttpMethod.GET, "/api/about", -1, null),
      new Route(HttpMethod.GET, "/api/home_page_content", -1, null),
      new Route(HttpMethod.GET, "/api/user/self", 1, null),
      new Route(HttpMethod.PUT, "/api/user/self", 1, EMPTY),
      new Route(HttpMethod.GET, "/api/user/token", 1, null),
      new Route(HttpMethod.GET, "/api/user/aff", 1, null),
      new Route(HttpMethod.GET, "/api/user/available_models", 1, null),
      new Route(HttpMethod.GET, "/api/user/dashboard", 1, null),
      new Route(HttpMethod.POST, "/api/user/topup", 1, EMPTY),
      new Route(HttpMethod.GET, "/api/models", 1, null),
      new Route(HttpMethod.GET, "/api/token/", 1, null),
      new Route(HttpMethod.GET, "/api/token/search?keyword=x", 1, null),
      new Route(HttpMethod.GET, "/api/token/1", 1, null),
      new Route(HttpMethod.POST, "/api/token/", 1, new JsonObject().put("name", 5)),
      new Route(HttpMethod.PUT, "/api/token/", 1, EMPTY),
      new Route(HttpMethod.DELETE, "/api/token/999999", 1, null),
      new Route(HttpMethod.GET, "/api/log/self", 1, null),
      new Route(HttpMethod.GET, "/api/log/self/stat", 1, null),
      new Route(HttpMethod.GET, "/api/log/self/search?keyword=2", 1, null),
      new Route(HttpMethod.GET, "/api/user/", 10, null),
      new Route(HttpMethod.GET, "/api/user/search?keyword=a", 10, null),
      new Route(HttpMethod.GET, "/api/user/999999", 10, null),
      new Route(HttpMethod.POST, "/api/user/", 10, EMPTY),
      new Route(HttpMethod.PUT, "/api/user/", 10, EMPTY),
      new Route(HttpMethod.POST, "/api/user/manage", 10, EMPTY),
      new Route(HttpMethod.DELETE, "/api/user/999999", 10, null),
      new Route(HttpMethod.POST, "/api/topup", 10, EMPTY),
      new Route(HttpMethod.GET, "/api/channel/", 10, null),
      new Route(HttpMethod.GET, "/api/channel/search?keyword=a", 10, null),
      new Route(HttpMethod.GET, "/api/channel/models", 10, null),
      new Route(HttpMethod.GET, "/api/channel/999999", 10, null),
      new Route(HttpMethod.GET, "/api/channel/test", 10, null),
      new Route(HttpMethod.GET, "/api/channel/test/999999", 10, null),
      new Route(HttpMethod.GET, "/api/channel/update_balance/999999", 10, null),
      new Route(HttpMethod.POST, "/api/channel/", 10, EMPTY),
      new Route(HttpMethod.PUT, "/api/channel/", 10, EMPTY),
      new Route(HttpMethod.DELETE, "/api/channel/disabled", 10, null),
      new Route(HttpMethod.DELETE, "/api/channel/999999", 10, null),
      new Route(HttpMethod.GET, "/api/log/", 10, null),
      new Route(HttpMethod.GET, "/api/log/stat", 10, null),
      new Route(HttpMethod.GET, "/api/log/search?keyword=x", 10, null),
      new Route(HttpMethod.DELETE, "/api/log/?target_timestamp=1", 10, null),
      new Route(HttpMethod.GET, "/api/redemption/", 10, null),
      new Route(HttpMethod.GET, "/api/redemption/search?keyword=a", 10, null),
      new Route(HttpMethod.GET, "/api/redemption/999999", 10, null),
      new Route(HttpMethod.POST, "/api/redemption/", 10, EMPTY),
      new Route(HttpMethod.PUT, "/api/redemption/", 10, EMPTY),
      new Route(HttpMethod.DELETE, "/api/redemption/999999", 10, null),
      new Route(HttpMethod.GET, "/api/group/", 10, null),
      new Route(HttpMethod.GET, "/api/option/", 100, null),
      new Route(HttpMethod.PUT, "/api/option/", 100, EMPTY),
      new Route(HttpMethod.GET, "/api/channel/999999/key", 100, null),
      new Route(HttpMethod.POST, "/api/channel/rekey", 100, EMPTY));

  @BeforeAll
  static void start() throws Exception {
    h = ApiHarness.start();
    root = h.root();
    rootId = h.sql("SELECT id FROM users WHERE username = 'root'").iterator().next().getInteger(0);
    adminId = h.createUser(root, "admin1", "adminpass1", Roles.ADMIN);
    commonId = h.createUser(root, "common1", "commonpass1", Roles.COMMON);
    admin = h.login("admin1", "adminpass1");
    common = h.login("common1", "commonpass1");
  }

  @AfterAll
  static void stop() {
    if (h != null) {
      h.close();
    }
  }

  @Test
  void everyRouteRefusesMissingCredentialsAndInsufficientRoles() {
    ApiClient anonymous = h.client();
    for (Route route : ROUTES) {
      ApiClient.Resp none = anonymous.send(route.method(), route.path(), route.body());
      if (route.minRole() < 0) {
        assertThat(none.status()).as(route.toString()).isEqualTo(200);
        assertThat(none.success()).as(route.toString()).isTrue();
        continue;
      }
      assertThat(none.status()).as("anonymous " + route).isEqualTo(401);
      assertThat(none.success()).isFalse();
      assertThat(none.message()).contains("未登录");
      for (var caller : List.of(new Object[] {common, 1}, new Object[] {admin, 10}, new Object[] {root, 100})) {
        ApiClient client = (ApiClient) caller[0];
        int role = (int) caller[1];
        ApiClient.Resp r = client.send(route.method(), route.path(), route.body());
        assertThat(r.json().containsKey("success")).as(route + " envelope").isTrue();
        assertThat(r.status()).as("role " + role + " " + route + " -> " + r.raw()).isEqualTo(200);
        if (role < route.minRole()) {
          assertThat(r.success()).as("role " + role + " " + route).isFalse();
          assertThat(r.message()).as("role " + role + " " + route).contains("权限不足");
        } else {
          assertThat(r.message()).as("role " + role + " " + route + " -> " + r.raw()).doesNotContain("权限不足");
        }
      }
    }
  }

  @Test
  void aCommonUserCannotListChannels() {
    ApiClient.Resp r = common.get("/api/channel/?p=0");
    refused(r);
    assertThat(r.success()).isFalse();
    assertThat(r.json().containsKey("data")).isFalse();
  }

  @Test
  void anAdminCannotReadOrEditRootOrOtherAdmins() {
    refused(admin.get("/api/user/" + rootId));
    refused(admin.put("/api/user/", new JsonObject().put("id", rootId).put("quota", 1)));
    refused(admin.post("/api/user/manage", new JsonObject().put("username", "root").put("action", "disable")));
    refused(admin.delete("/api/user/" + rootId));
    int otherAdmin = h.createUser(root, "admin2", "adminpass2", Roles.ADMIN);
    refused(admin.put("/api/user/", new JsonObject().put("id", otherAdmin).put("quota", 1)));
    assertThat(h.sql("SELECT quota, status FROM users WHERE id = $1", rootId).iterator().next().getInteger(1))
        .isEqualTo(1);
    // an admin may manage a common user but not promote or create admins
    assertThat(admin.put("/api/user/", new JsonObject().put("id", commonId).put("quota", 77)).success()).isTrue();
    refused(admin.post("/api/user/manage", new JsonObject().put("username", "common1").put("action", "promote")));
    refused(admin.put("/api/user/", new JsonObject().put("id", commonId).put("role", 10)));
    refused(admin.post("/api/user/", new JsonObject().put("username", "x1").put("password", "password1")
        .put("role", 10)));
  }

  @Test
  void anAdminTopsUpOnlyUsersOfALowerRoleAsOnPutUser() {
    int otherAdmin = h.createUser(root, "admin3", "adminpass3", Roles.ADMIN);
    long before = quota(adminId) + quota(otherAdmin) + quota(rootId);
    for (int target : new int[] {adminId, otherAdmin, rootId}) {
      assertThat(refused(admin.post("/api/topup", new JsonObject().put("user_id", target).put("quota", 1000))))
          .as("user #" + target).contains("无权操作同权限等级或更高权限等级的用户");
    }
    assertThat(quota(adminId) + quota(otherAdmin) + quota(rootId)).as("nothing credited").isEqualTo(before);
    assertThat(h.sql("SELECT count(*) FROM logs WHERE type = 1 AND user_id = ANY($1)",
        (Object) new Integer[] {adminId, otherAdmin, rootId}).iterator().next().getLong(0)).isZero();
    long common = quota(commonId);
    assertThat(admin.post("/api/topup", new JsonObject().put("user_id", commonId).put("quota", 1000)).success())
        .isTrue();
    assertThat(quota(commonId)).isEqualTo(common + 1000);
    assertThat(root.post("/api/topup", new JsonObject().put("user_id", otherAdmin).put("quota", 5)).success())
        .as("root tops up admins").isTrue();
    assertThat(root.post("/api/topup", new JsonObject().put("user_id", rootId).put("quota", 5)).success())
        .as("and itself, as on PUT /api/user/").isTrue();
  }

  private static long quota(int userId) {
    return h.sql("SELECT quota FROM users WHERE id = $1", userId).iterator().next().getLong(0);
  }

  @Test
  void rootCannotBeDisabledDeletedOrDemotedEvenByRoot() {
    for (String action : List.of("disable", "delete", "demote")) {
      ApiClient.Resp r = root.post("/api/user/manage", new JsonObject().put("username", "root").put("action", action));
      refused(r);
      assertThat(r.success()).isFalse();
    }
    refused(root.delete("/api/user/self"));
    assertThat(h.sql("SELECT role, status FROM users WHERE id = $1", rootId).iterator().next().getInteger(0))
        .isEqualTo(100);
  }

  @Test
  void rootPromotesAndDemotesAndDeleteAnswersWithACorrectEnvelope() {
    int id = h.createUser(root, "promo1", "promopass1", Roles.COMMON);
    ApiClient.Resp p = root.post("/api/user/manage", new JsonObject().put("username", "promo1").put("action",
        "promote"));
    assertThat(p.success()).isTrue();
    assertThat(p.obj().getInteger("role")).isEqualTo(10);
    ApiClient.Resp d = root.post("/api/user/manage", new JsonObject().put("username", "promo1").put("action",
        "demote"));
    assertThat(d.obj().getInteger("role")).isEqualTo(1);
    ApiClient.Resp del = root.delete("/api/user/" + id + "/");
    assertThat(del.status()).isEqualTo(200);
    assertThat(del.success()).as("One API's inverted envelope is fixed").isTrue();
    var row = h.sql("SELECT status, username FROM users WHERE id = $1", id).iterator().next();
    assertThat(row.getInteger(0)).isEqualTo(3);
    assertThat(row.getString(1)).startsWith("deleted_");
    assertThat(refused(root.delete("/api/user/" + id))).contains("does not exist");
    var audit = h.sql("SELECT content FROM logs WHERE type = 3 AND user_id = $1 ORDER BY id", id);
    assertThat(audit.size()).isGreaterThanOrEqualTo(3);
    assertThat(audit.iterator().next().getString(0)).contains("root (#" + rootId + ")");
  }

  @Test
  void accessTokensAuthenticateScriptsAndRotationRevokesTheOldOne() {
    ApiClient.Resp rotated = admin.get("/api/user/token");
    String token = rotated.json().getString("data");
    assertThat(token).hasSize(32);
    ApiClient byToken = h.client();
    byToken.browser = false;
    byToken.accessToken = token;
    assertThat(byToken.get("/api/user/self").obj().getString("username")).isEqualTo("admin1");
    ApiClient.Resp created = byToken.post("/api/redemption/", new JsonObject().put("name", "tok").put("quota", 5)
        .put("count", 1));
    assertThat(created.success()).as(created.raw()).isTrue();
    ApiClient raw = h.client();
    raw.extraHeaders.put("Authorization", token);
    assertThat(raw.get("/api/user/self").success()).isTrue();
    byToken.accessToken = "0123456789abcdef0123456789abcdef";
    assertThat(byToken.get("/api/user/self").status()).isEqualTo(401);
    assertThat(admin.get("/api/user/token").json().getString("data")).isNotEqualTo(token);
    ApiClient old = h.client();
    old.accessToken = token;
    assertThat(old.get("/api/user/self").status()).as("rotation revokes the old token").isEqualTo(401);
  }

  /** One API's refusal: HTTP 200, success:false, a message (returned). */
  static String refused(ApiClient.Resp r) {
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    assertThat(r.success()).as(r.raw()).isFalse();
    assertThat(r.message()).isNotBlank();
    return r.message();
  }
}
