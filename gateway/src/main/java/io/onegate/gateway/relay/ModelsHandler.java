package io.onegate.gateway.relay;

import io.onegate.gateway.state.AbilityIndex;
import io.onegate.gateway.state.Snapshot;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.TreeSet;

/**
 * {@code GET /v1/models} and {@code /v1/models/:model}: the models the token may use (its allow-list, else the
 * models of the owner's group), in OpenAI's list shape; an unknown model is a 404 {@code model_not_found}.
 */
final class ModelsHandler {
  private static final long CREATED = 1626777600L;
  private final RelayServices s;
  private final TokenRouteAuth auth;

  ModelsHandler(RelayServices services) {
    this.s = services;
    this.auth = new TokenRouteAuth(services);
  }

  void list(RoutingContext ctx) {
    Caller caller = authenticate(ctx);
    if (caller == null) {
      return;
    }
    Snapshot snapshot = s.state().current();
    JsonArray data = new JsonArray();
    for (String model : models(snapshot, caller)) {
      data.add(entry(snapshot, caller, model));
    }
    ctx.response().putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("object", "list").put("data", data).toBuffer());
  }

  void one(RoutingContext ctx) {
    Caller caller = authenticate(ctx);
    if (caller == null) {
      return;
    }
    String model = ctx.pathParam("model");
    Snapshot snapshot = s.state().current();
    if (!models(snapshot, caller).contains(model)) {
      ErrorResponses.write(ctx.response(), ctx.get(RelayRoutes.REQUEST_ID), GatewayError.MODEL_NOT_FOUND, model);
      return;
    }
    ctx.response().putHeader("Content-Type", "application/json").end(entry(snapshot, caller, model).toBuffer());
  }

  private static List<String> models(Snapshot snapshot, Caller caller) {
    if (!caller.token().models().isEmpty()) {
      return List.copyOf(new TreeSet<>(caller.token().models()));
    }
    return snapshot.abilities().models(caller.user().group());
  }

  private JsonObject entry(Snapshot snapshot, Caller caller, String model) {
    List<AbilityIndex.Tier> tiers = snapshot.abilities().tiers(caller.user().group(), model);
    String owner = tiers.isEmpty() ? "custom" : s.registry().adaptor(tiers.get(0).channels().get(0).type())
        .map(a -> a.name()).orElse("custom");
    return new JsonObject().put("id", model).put("object", "model").put("created", CREATED).put("owned_by", owner)
        .put("root", model).putNull("parent");
  }

  private Caller authenticate(RoutingContext ctx) {
    return auth.callerOrReply(ctx, auth.clientIp(ctx));
  }
}
