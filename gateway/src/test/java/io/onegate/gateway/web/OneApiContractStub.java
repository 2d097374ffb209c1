package io.onegate.gateway.web;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test fixture: One API's documented {@code /api} contract (reference §7: envelope, session cookie, role levels
 * 1/10/100, {@code p} pages of 10) over in-memory data, so the console's pages can be driven in a browser before
 * the real management API is merged. It is a stand-in for a not-yet-merged HTTP API, not for our infrastructure;
 * {@code ConsoleSeedTourTest} (deploy module) drives the same console against the real stack.
 *
 * <p>It refuses any /api call without {@code X-Requested-With: XMLHttpRequest} (403), so the tests also check that
 * the console sends it, and records every write in {@link #writes}.
 */
final class OneApiContractStub {
  /** Every POST/PUT/DELETE received: "METHOD path body". */
  final List<String> writes = new CopyOnWriteArrayList<>();
  private final Map<String, JsonObject> sessions = new ConcurrentHashMap<>();
  private final List<JsonObject> users = new CopyOnWriteArrayList<>();
  private final List<JsonObject> channels = new CopyOnWriteArrayList<>();
  private final List<JsonObject> tokens = new CopyOnWriteArrayList<>();
  private final List<JsonObject> logs = new CopyOnWriteArrayList<>();
  private final List<JsonObject> redemptions = new CopyOnWriteArrayList<>();
  private final Map<String, String> options = new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger(100);
  private boolean rootPasswordDefault = true;
  private final long now = System.currentTimeMillis() / 1000;

  OneApiContractStub() {
    users.add(user(1, "root", "123456", 100, 500_000_000_000_000L - 1_234_567, 1_234_567, 42));
    users.add(user(2, "alice", "alicepass1", 1, 2_500_000, 500_000, 17));
    users.add(user(3, "bob", "bobpass123", 10, 10_000_000, 0, 0));
    for (int i = 1; i <= 3; i++) {
      channels.add(new JsonObject().put("id", i).put("type", i == 3 ? 16 : 1).put("name", "channel-" + i)
          .put("status", i == 2 ? 3 : 1).put("models", i == 3 ? "glm-4,glm-4v,embedding-2" : "gpt-3.5-turbo,gpt-4o,gpt-4o-mini,text-embedding-3-small")
          .put("group", "default").put("priority", i == 1 ? 10 : 0).put("weight", i).put("response_time", 800 * i)
          .put("balance", 12.5 * i).put("balance_updated_time", now - 3600).put("used_quota", 400_000L * i)
          .put("base_url", "").put("model_mapping", i == 1 ? "{\"gpt-4\":\"gpt-4o\"}" : "").put("config", "{}")
          .put("created_time", now - 86400 * i));
    }
    tokens.add(token(1, 1, "default", true, 0));
    tokens.add(token(2, 1, "fastgpt", false, 1_000_000));
    tokens.add(token(3, 2, "alice-key", false, 2_000_000));
    String[] models = {"gpt-4o-mini", "gpt-3.5-turbo", "text-embedding-3-small"};
    for (int i = 0; i < 14; i++) {
      logs.add(new JsonObject().put("id", i + 1).put("user_id", i % 3 == 0 ? 2 : 1).put("created_at", now - i * 3000)
          .put("type", i == 13 ? 1 : 2).put("content", i == 13 ? "通过兑换码充值 $1" : "倍率：0.075 × 1 × 4")
          .put("username", i % 3 == 0 ? "alice" : "root").put("token_name", "fastgpt").put("model_name", models[i % 3])
          .put("quota", 120 + i * 7).put("prompt_tokens", 30 + i).put("completion_tokens", 12 + i).put("channel", 1 + i % 3)
          .put("elapsed_time", 300 + i * 40).put("is_stream", i % 2 == 0));
    }
    redemptions.add(new JsonObject().put("id", 1).put("name", "welcome").put("key", "0123456789abcdef0123456789abcdef")
        .put("status", 1).put("quota", 500000).put("created_time", now - 7200).put("redeemed_time", 0));
    redemptions.add(new JsonObject().put("id", 2).put("name", "used-one").put("key", "fedcba9876543210fedcba9876543210")
        .put("status", 3).put("quota", 1000000).put("created_time", now - 90000).put("redeemed_time", now - 80000));
    options.putAll(Map.of("SystemName", "OneGate", "DisplayInCurrencyEnabled", "true", "QuotaPerUnit", "500000",
        "ModelRatio", "{\"gpt-4o-mini\":0.075,\"gpt-3.5-turbo\":0.75}", "GroupRatio", "{\"default\":1,\"vip\":1}",
        "CompletionRatio", "{}", "AutomaticDisableChannelEnabled", "false", "AutomaticEnableChannelEnabled", "false",
        "ChannelDisableThreshold", "5", "WebhookUrl", ""));
  }

  private JsonObject user(int id, String name, String password, int role, long quota, long used, int requests) {
    return new JsonObject().put("id", id).put("username", name).put("password", password).put("display_name", name)
        .put("role", role).put("status", 1).put("email", "").put("quota", quota).put("used_quota", used)
        .put("request_count", requests).put("group", "default");
  }

  private JsonObject token(int id, int userId, String name, boolean unlimited, long remain) {
    return new JsonObject().put("id", id).put("user_id", userId).put("name", name).put("status", 1)
        .put("key", ("k" + id + "x").repeat(16).substring(0, 48)).put("created_time", now - 5000 * id)
        .put("accessed_time", now).put("expired_time", -1).put("remain_quota", remain).put("unlimited_quota", unlimited)
        .put("used_quota", 12345L * id).put("models", "").put("subnet", "");
  }

  void mount(Router router) {
    router.route("/api/*").handler(ctx -> {
      if (!"XMLHttpRequest".equals(ctx.request().getHeader("X-Requested-With"))) {
        ctx.response().setStatusCode(403).end("missing X-Requested-With");
        return;
      }
      ctx.next();
    });
    router.route("/api/*").handler(BodyHandler.create());
    router.route("/api/*").handler(ctx -> {
      if (ctx.request().method().name().matches("POST|PUT|DELETE")) {
        writes.add(ctx.request().method() + " " + ctx.request().uri() + " " + ctx.body().asString());
      }
      ctx.next();
    });
    router.get("/api/status").handler(ctx -> ok(ctx, new JsonObject().put("system_name", options.get("SystemName"))
        .put("version", "stub").put("quota_per_unit", Long.parseLong(options.get("QuotaPerUnit")))
        .put("display_in_currency", Boolean.parseBoolean(options.get("DisplayInCurrencyEnabled")))
        .put("register_enabled", true).put("email_verification", false).put("top_up_link", "")
        .put("root_password_is_default", rootPasswordDefault)));
    router.post("/api/user/login").handler(ctx -> {
      JsonObject b = ctx.body().asJsonObject();
      JsonObject u = users.stream().filter(x -> x.getString("username").equals(b.getString("username"))
          && x.getString("password").equals(b.getString("password"))).findFirst().orElse(null);
      if (u == null) {
        fail(ctx, "用户名或密码错误，或用户已被封禁");
        return;
      }
      String sid = UUID.randomUUID().toString();
      sessions.put(sid, u);
      ctx.response().putHeader("Set-Cookie", "session=" + sid + "; Path=/; HttpOnly; SameSite=Strict");
      ok(ctx, new JsonObject().put("id", u.getInteger("id")).put("username", u.getString("username"))
          .put("display_name", u.getString("display_name")).put("role", u.getInteger("role")).put("status", 1));
    });
    router.get("/api/user/logout").handler(ctx -> ok(ctx, null));
    router.get("/api/user/self").handler(auth(1, ctx -> ok(ctx, safe(me(ctx)))));
    router.put("/api/user/self").handler(auth(1, ctx -> {
      JsonObject b = ctx.body().asJsonObject();
      if (b.getString("password") != null) {
        if (b.getString("password").length() < 8) {
          fail(ctx, "密码长度必须在 8 到 20 之间");
          return;
        }
        me(ctx).put("password", b.getString("password"));
        if (me(ctx).getInteger("id") == 1) {
          rootPasswordDefault = false;
        }
      }
      me(ctx).put("display_name", b.getString("display_name", me(ctx).getString("display_name")));
      ok(ctx, null);
    }));
    router.get("/api/user/token").handler(auth(1, ctx -> ok(ctx, UUID.randomUUID().toString().replace("-", ""))));
    router.get("/api/user/dashboard").handler(auth(1, ctx -> {
      JsonArray rows = new JsonArray();
      String[] models = {"gpt-4o-mini", "gpt-3.5-turbo", "text-embedding-3-small"};
      for (int d = 0; d < 7; d++) {
        String day = java.time.LocalDate.now().minusDays(6 - d).toString();
        for (int m = 0; m < 3; m++) {
          if ((d + m) % 4 == 3) {
            continue;
          }
          rows.add(new JsonObject().put("Day", day).put("ModelName", models[m]).put("RequestCount", 3 + d * (m + 1))
              .put("Quota", 20_000L * (d + 1) * (3 - m)).put("PromptTokens", 900 * (d + 1)).put("CompletionTokens", 300 * (m + 1)));
        }
      }
      ok(ctx, rows);
    }));
    router.post("/api/user/topup").handler(auth(1, ctx -> {
      String key = ctx.body().asJsonObject().getString("key", "");
      JsonObject code = redemptions.stream().filter(r -> r.getString("key").equals(key)).findFirst().orElse(null);
      if (code == null) {
        fail(ctx, "无效的兑换码");
      } else if (code.getInteger("status") == 3) {
        fail(ctx, "该兑换码已被使用");
      } else {
        code.put("status", 3).put("redeemed_time", now);
        me(ctx).put("quota", me(ctx).getLong("quota") + code.getLong("quota"));
        ok(ctx, code.getLong("quota"));
      }
    }));
    router.get("/api/models").handler(auth(1, ctx -> ok(ctx, new JsonObject()
        .put("1", new JsonArray(List.of("gpt-3.5-turbo", "gpt-4", "gpt-4o", "gpt-4o-mini", "text-embedding-ada-002",
            "text-embedding-3-small", "text-embedding-3-large")))
        .put("16", new JsonArray(List.of("glm-4", "glm-4v", "embedding-2")))
        .put("30", new JsonArray(List.of("llama3", "qwen2"))))));
    router.get("/api/group/").handler(auth(10, ctx -> ok(ctx, new JsonArray(List.of("default", "vip", "svip")))));
    router.get("/api/channel/").handler(auth(10, ctx -> ok(ctx, page(ctx, channels))));
    router.get("/api/channel/search").handler(auth(10, ctx -> ok(ctx, new JsonArray(channels.stream()
        .filter(c -> c.getString("name").startsWith(ctx.request().getParam("keyword", ""))).toList()))));
    router.get("/api/channel/test/:id").handler(auth(10, ctx -> ctx.json(new JsonObject().put("success", true)
        .put("message", "").put("time", 0.42).put("modelName", "gpt-3.5-turbo"))));
    router.get("/api/channel/update_balance/:id").handler(auth(10, ctx -> ctx.json(new JsonObject()
        .put("success", true).put("message", "").put("balance", 7.25))));
    router.get("/api/channel/:id").handler(auth(10, ctx -> ok(ctx, find(channels, ctx.pathParam("id")))));
    router.post("/api/channel/").handler(auth(10, ctx -> {
      JsonObject b = ctx.body().asJsonObject();
      if (b.getString("name", "").isBlank()) {
        fail(ctx, "渠道名称不能为空");
        return;
      }
      for (String key : b.getString("key", "").split("\n")) {
        if (!key.isBlank()) {
          channels.add(0, b.copy().put("id", ids.incrementAndGet()).put("status", 1).put("key", (String) null)
              .put("used_quota", 0).put("response_time", 0).put("created_time", now));
        }
      }
      ok(ctx, null);
    }));
    router.put("/api/channel/").handler(auth(10, ctx -> {
      JsonObject b = ctx.body().asJsonObject();
      JsonObject c = find(channels, String.valueOf(b.getInteger("id")));
      b.fieldNames().stream().filter(k -> !k.equals("key")).forEach(k -> c.put(k, b.getValue(k)));
      ok(ctx, c);
    }));
    router.delete("/api/channel/:id").handler(auth(10, ctx -> {
      channels.remove(find(channels, ctx.pathParam("id")));
      ok(ctx, null);
    }));
    router.get("/api/token/").handler(auth(1, ctx -> ok(ctx, page(ctx, mine(ctx, tokens)))));
    router.post("/api/token/").handler(auth(1, ctx -> {
      JsonObject b = ctx.body().asJsonObject();
      if (b.getString("name", "").length() > 30 || b.getString("name", "").isBlank()) {
        fail(ctx, "令牌名称过长");
        return;
      }
      JsonObject t = token(ids.incrementAndGet(), me(ctx).getInteger("id"), b.getString("name"),
          b.getBoolean("unlimited_quota", false), b.getLong("remain_quota", 0L))
          .put("key", UUID.randomUUID().toString().replace("-", "") + "AbCdEfGhIjKlMnOp").put("used_quota", 0)
          .put("expired_time", b.getLong("expired_time", -1L)).put("models", b.getString("models", ""))
          .put("subnet", b.getString("subnet", ""));
      tokens.add(0, t);
      ok(ctx, t);
    }));
    router.put("/api/token/").handler(auth(1, ctx -> {
      JsonObject b = ctx.body().asJsonObject();
      JsonObject t = find(tokens, String.valueOf(b.getInteger("id")));
      b.fieldNames().forEach(k -> t.put(k, b.getValue(k)));
      ok(ctx, t);
    }));
    router.get("/api/log/").handler(auth(10, ctx -> ok(ctx, page(ctx, filterLogs(ctx, logs)))));
    router.get("/api/log/stat").handler(auth(10, ctx -> ok(ctx, stat(filterLogs(ctx, logs)))));
    router.get("/api/log/self").handler(auth(1, ctx -> ok(ctx, page(ctx, filterLogs(ctx, mine(ctx, logs))))));
    router.get("/api/log/self/stat").handler(auth(1, ctx -> ok(ctx, stat(filterLogs(ctx, mine(ctx, logs))))));
    router.get("/api/user/").handler(auth(10, ctx -> ok(ctx, page(ctx, users.stream().map(this::safe).toList()))));
    router.get("/api/user/:id").handler(auth(10, ctx -> ok(ctx, safe(find(users, ctx.pathParam("id"))))));
    router.put("/api/user/").handler(auth(10, ctx -> {
      JsonObject b = ctx.body().asJsonObject();
      JsonObject u = find(users, String.valueOf(b.getInteger("id")));
      b.fieldNames().forEach(k -> u.put(k, b.getValue(k)));
      ok(ctx, safe(u));
    }));
    router.get("/api/redemption/").handler(auth(10, ctx -> ok(ctx, page(ctx, redemptions))));
    router.post("/api/redemption/").handler(auth(10, ctx -> {
      JsonObject b = ctx.body().asJsonObject();
      JsonArray keys = new JsonArray();
      for (int i = 0; i < b.getInteger("count", 1); i++) {
        String key = UUID.randomUUID().toString().replace("-", "");
        keys.add(key);
        redemptions.add(0, new JsonObject().put("id", ids.incrementAndGet()).put("name", b.getString("name"))
            .put("key", key).put("status", 1).put("quota", b.getLong("quota")).put("created_time", now).put("redeemed_time", 0));
      }
      ok(ctx, keys);
    }));
    router.get("/api/option/").handler(auth(100, ctx -> ok(ctx, new JsonArray(options.entrySet().stream()
        .map(e -> new JsonObject().put("key", e.getKey()).put("value", e.getValue())).toList()))));
    router.put("/api/option/").handler(auth(100, ctx -> {
      JsonObject b = ctx.body().asJsonObject();
      if (b.getString("key").endsWith("Ratio")) {
        try {
          new JsonObject(b.getString("value"));
        } catch (RuntimeException e) {
          fail(ctx, "JSON 格式错误");
          return;
        }
      }
      options.put(b.getString("key"), b.getString("value"));
      ok(ctx, null);
    }));
  }

  String option(String key) {
    return options.get(key);
  }

  private Handler<RoutingContext> auth(int level, Handler<RoutingContext> next) {
    return ctx -> {
      var cookie = ctx.request().getCookie("session");
      JsonObject u = cookie == null ? null : sessions.get(cookie.getValue());
      if (u == null) {
        ctx.response().setStatusCode(401);
        fail(ctx, "无权进行此操作，未登录且未提供 access token");
      } else if (u.getInteger("role") < level) {
        fail(ctx, "无权进行此操作，权限不足");
      } else {
        ctx.put("me", u);
        next.handle(ctx);
      }
    };
  }

  private static JsonObject me(RoutingContext ctx) {
    return ctx.get("me");
  }

  private JsonObject safe(JsonObject u) {
    JsonObject copy = u.copy();
    copy.remove("password");
    return copy;
  }

  private static List<JsonObject> mine(RoutingContext ctx, List<JsonObject> all) {
    int id = me(ctx).getInteger("id");
    return all.stream().filter(x -> x.getInteger("user_id") == id).toList();
  }

  private static List<JsonObject> filterLogs(RoutingContext ctx, List<JsonObject> all) {
    String type = ctx.request().getParam("type", "");
    String model = ctx.request().getParam("model_name", "");
    return all.stream().filter(l -> type.isEmpty() || type.equals("0") || String.valueOf(l.getInteger("type")).equals(type))
        .filter(l -> model.isEmpty() || l.getString("model_name").equals(model)).toList();
  }

  private static JsonObject stat(List<JsonObject> rows) {
    return new JsonObject().put("quota", rows.stream().filter(l -> l.getInteger("type") == 2)
        .mapToLong(l -> l.getLong("quota")).sum());
  }

  private static JsonArray page(RoutingContext ctx, List<JsonObject> all) {
    int p = Integer.parseInt(ctx.request().getParam("p", "0"));
    List<JsonObject> slice = new ArrayList<>(all.subList(Math.min(all.size(), p * 10), Math.min(all.size(), p * 10 + 10)));
    return new JsonArray(slice);
  }

  private static JsonObject find(List<JsonObject> list, String id) {
    return list.stream().filter(x -> String.valueOf(x.getInteger("id")).equals(id)).findFirst().orElseThrow();
  }

  private static void ok(RoutingContext ctx, Object data) {
    ctx.json(new JsonObject().put("success", true).put("message", "").put("data", data));
  }

  private static void fail(RoutingContext ctx, String message) {
    ctx.json(new JsonObject().put("success", false).put("message", message));
  }
}
