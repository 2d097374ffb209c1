package io.onegate.gateway.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;

/** {@code users} rows as One API's JSON (password and access token never included). */
final class UserRows {
  static final String COLUMNS = "id, username, display_name, role, status, email, github_id, wechat_id, lark_id, "
      + "oidc_id, quota, used_quota, request_count, \"group\", aff_code, inviter_id, created_time";

  private UserRows() {
  }

  static JsonObject json(Row r) {
    return new JsonObject()
        .put("id", r.getInteger("id"))
        .put("username", r.getString("username"))
        .put("display_name", r.getString("display_name"))
        .put("role", r.getInteger("role"))
        .put("status", r.getInteger("status"))
        .put("email", r.getString("email"))
        .put("github_id", r.getString("github_id"))
        .put("wechat_id", r.getString("wechat_id"))
        .put("lark_id", r.getString("lark_id"))
        .put("oidc_id", r.getString("oidc_id"))
        .put("quota", r.getLong("quota"))
        .put("used_quota", r.getLong("used_quota"))
        .put("request_count", r.getInteger("request_count"))
        .put("group", r.getString("group"))
        .put("aff_code", r.getString("aff_code") == null ? "" : r.getString("aff_code"))
        .put("inviter_id", r.getInteger("inviter_id"))
        .put("created_time", r.getLong("created_time"));
  }

  static JsonArray list(RowSet<Row> rows) {
    JsonArray out = new JsonArray();
    rows.forEach(r -> out.add(json(r)));
    return out;
  }

  /** One API's rules: 1-12 characters; OneGate also refuses control characters and spaces. */
  /**
   * The one form in which usernames are stored and compared: trimmed, Unicode NFC, case kept. As One API on its
   * default SQLite and on PostgreSQL, usernames are case-sensitive ("Bob" and "bob" are two accounts; One API on
   * MySQL compares them case-insensitively, a collation accident OneGate does not copy).
   */
  static String canonicalUsername(String username) {
    return java.text.Normalizer.normalize(username.trim(), java.text.Normalizer.Form.NFC);
  }

  /** The canonical form of {@code username} when it is a valid new username; a refusal otherwise. */
  static String validUsername(String raw) {
    String username = canonicalUsername(raw);
    if (username.isEmpty() || username.length() > 12) {
      throw ApiException.badRequest("username must be 1 to 12 characters");
    }
    if (!username.matches("[\\p{L}\\p{N}_.@-]+")) {
      throw ApiException.badRequest("username may contain only letters, digits and _ . @ -");
    }
    if (username.startsWith("deleted_")) {
      throw ApiException.badRequest("username may not start with deleted_");
    }
    return username;
  }

  static String validDisplayName(String name) {
    if (name.length() > 20) {
      throw ApiException.badRequest("display_name is too long (at most 20 characters)");
    }
    if (name.chars().anyMatch(Character::isISOControl)) {
      throw ApiException.badRequest("display_name may not contain control characters");
    }
    return name;
  }

  static String validGroup(String group) {
    if (!group.matches("[A-Za-z0-9_-]{1,32}")) {
      throw ApiException.badRequest("group must be 1 to 32 letters, digits, _ or -");
    }
    return group;
  }
}
