package io.onegate.gateway.relay;

import io.onegate.providers.spi.ClientRequest;
import io.onegate.providers.spi.Endpoint;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * Parses a client body into a {@link RelayRequest} with One API's defaults (moderations
 * {@code text-moderation-stable} for routing, images {@code dall-e-2}, audio {@code whisper-1}, embeddings from the
 * path). JSON bodies are decoded once; multipart bodies (audio) are kept raw: only their {@code model} field and
 * the uploaded file's duration ({@link AudioDuration}, from its header) are read. Pure; a body the relay refuses
 * (400) throws a {@link Refusal} whose message is shown to the client.
 */
public final class RequestParser {
  private RequestParser() {
  }

  public static RelayRequest parse(Endpoint endpoint, String contentType, Buffer raw, String pathModel) {
    String type = contentType == null ? "" : contentType.toLowerCase(java.util.Locale.ROOT);
    if (type.startsWith("multipart/form-data")) {
      byte[] bytes = raw.getBytes();
      String model = Multipart.field(bytes, contentType, "model");
      model = model == null || model.isBlank() ? defaultModel(endpoint, pathModel) : model.trim();
      byte[] file = Multipart.part(bytes, contentType, "file");
      return new RelayRequest(endpoint, model, false, 0, new ClientRequest(raw, contentType, null),
          file == null ? 0 : AudioDuration.seconds(file));
    }
    JsonObject json;
    try {
      json = raw.length() == 0 ? null : new JsonObject(raw);
    } catch (DecodeException | ClassCastException e) {
      throw new Refusal(GatewayError.INVALID_JSON, firstLine(e.getMessage()));
    }
    if (json == null) {
      throw new Refusal(GatewayError.INVALID_JSON, "empty body");
    }
    Object modelValue = json.getValue("model");
    String model = modelValue instanceof String s && !s.isBlank() ? s : defaultModel(endpoint, pathModel);
    if (model.isEmpty()) {
      throw new Refusal(GatewayError.INVALID_REQUEST, "model is required");
    }
    Buffer body = raw;
    if (!(modelValue instanceof String s) || s.isBlank()) {
      json = json.copy().put("model", model); // upstreams need the model we routed on
      body = json.toBuffer();
    }
    validate(endpoint, json);
    boolean stream = Boolean.TRUE.equals(json.getValue("stream"));
    long maxTokens = json.getValue("max_tokens") instanceof Number n ? n.longValue() : 0;
    if (maxTokens < 0 || maxTokens > Integer.MAX_VALUE / 2) {
      throw new Refusal(GatewayError.INVALID_REQUEST, "max_tokens must be between 0 and " + Integer.MAX_VALUE / 2);
    }
    return new RelayRequest(endpoint, model, stream, maxTokens,
        new ClientRequest(body, contentType == null || contentType.isEmpty() ? "application/json" : contentType,
            json));
  }

  private static void validate(Endpoint endpoint, JsonObject json) {
    switch (endpoint) {
      case CHAT_COMPLETIONS -> {
        if (!(json.getValue("messages") instanceof io.vertx.core.json.JsonArray a) || a.isEmpty()) {
          throw new Refusal(GatewayError.INVALID_REQUEST, "field messages is required");
        }
      }
      case COMPLETIONS -> require(json, "prompt");
      case EMBEDDINGS, MODERATIONS -> require(json, "input");
      case AUDIO_SPEECH -> {
        require(json, "input");
        if (json.getValue("input") instanceof String s && s.getBytes(StandardCharsets.UTF_8).length > 4096) {
          throw new Refusal(GatewayError.INVALID_REQUEST, "input is longer than 4096 bytes");
        }
      }
      case IMAGES_GENERATIONS -> require(json, "prompt");
      case RERANK -> {
        require(json, "query");
        require(json, "documents");
      }
      default -> {
      }
    }
  }

  private static void require(JsonObject json, String field) {
    if (json.getValue(field) == null) {
      throw new Refusal(GatewayError.INVALID_REQUEST, "field " + field + " is required");
    }
  }

  static String defaultModel(Endpoint endpoint, String pathModel) {
    if (pathModel != null && !pathModel.isBlank()) {
      return pathModel;
    }
    return switch (endpoint) {
      case MODERATIONS -> "text-moderation-stable";
      case IMAGES_GENERATIONS -> "dall-e-2";
      case AUDIO_TRANSCRIPTIONS, AUDIO_TRANSLATIONS -> "whisper-1";
      default -> "";
    };
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "malformed JSON";
    }
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    return line.length() > 200 ? line.substring(0, 200) : line;
  }
}
