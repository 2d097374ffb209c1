package io.onegate.health.notify;

import io.vertx.core.json.JsonObject;

/**
 * Something an operator (or a user) should hear about.
 *
 * @param event   machine-readable kind: {@code channel.disabled}, {@code channel.enabled}, {@code user.low_balance}
 * @param subject one-line title (email subject)
 * @param text    plain-text body
 * @param data    event details for the webhook (never credentials)
 * @param emailTo recipient address, empty for none
 */
public record Notification(String event, String subject, String text, JsonObject data, String emailTo) {

  public JsonObject toJson(long atEpochSeconds) {
    return new JsonObject().put("event", event).put("title", subject).put("content", text)
        .put("data", data).put("timestamp", atEpochSeconds);
  }

  public Notification withEmailTo(String address) {
    return new Notification(event, subject, text, data, address == null ? "" : address);
  }
}
