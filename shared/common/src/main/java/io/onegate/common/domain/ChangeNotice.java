package io.onegate.common.domain;

import io.vertx.core.json.JsonObject;

/**
 * Published on the event bus ({@code ClusterNames.CHANGES_ADDRESS}) after a committed change: every gateway
 * reloads that one entity into its in-memory snapshot. {@code id} 0 with a kind means "reload all of that kind".
 */
public record ChangeNotice(Kind kind, long id) {

  public enum Kind { CHANNEL, TOKEN, USER, OPTION, ALL }

  public JsonObject toJson() {
    return new JsonObject().put("kind", kind.name()).put("id", id);
  }

  public static ChangeNotice fromJson(JsonObject json) {
    return new ChangeNotice(Kind.valueOf(json.getString("kind")), json.getLong("id", 0L));
  }
}
