package io.onegate.gateway.relay;

import io.onegate.providers.spi.Endpoint;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The generated text of a non-stream OpenAI answer, for estimating completion tokens when usage is missing: content,
 * reasoning, and the names and arguments of tool calls and of a legacy {@code function_call}.
 */
final class ResponseText {
  private ResponseText() {
  }

  static String of(Endpoint endpoint, Buffer body, String contentType) {
    boolean json = contentType != null && contentType.contains("json");
    if (endpoint == Endpoint.AUDIO_TRANSCRIPTIONS || endpoint == Endpoint.AUDIO_TRANSLATIONS) {
      if (!json) {
        return body.toString(); // text, srt, vtt
      }
    }
    if (endpoint != Endpoint.CHAT_COMPLETIONS && endpoint != Endpoint.COMPLETIONS && !json) {
      return "";
    }
    try {
      JsonObject o = body.toJsonObject();
      if (o.getValue("text") instanceof String s) {
        return s; // transcription json / verbose_json
      }
      StringBuilder sb = new StringBuilder();
      if (o.getValue("choices") instanceof JsonArray choices) {
        for (Object c : choices) {
          if (c instanceof JsonObject choice) {
            if (choice.getValue("text") instanceof String t) {
              sb.append(t);
            }
            if (choice.getValue("message") instanceof JsonObject m) {
              io.onegate.providers.support.OpenAiBodies.appendGenerated(m, sb);
            }
          }
        }
      }
      return sb.toString();
    } catch (RuntimeException e) {
      return "";
    }
  }
}
