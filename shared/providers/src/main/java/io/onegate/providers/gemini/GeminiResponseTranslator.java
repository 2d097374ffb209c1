package io.onegate.providers.gemini;

import io.onegate.providers.spi.Usage;
import io.onegate.providers.support.Json;
import io.onegate.providers.support.OpenAiBodies;
import io.onegate.providers.support.OpenAiBodies.ToolCall;
import io.onegate.providers.support.TranslationEnv;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Gemini {@code GenerateContentResponse} (https://ai.google.dev/api/generate-content#generatecontentresponse) →
 * OpenAI {@code chat.completion}; candidates become choices, {@code functionCall} parts become tool calls
 * (Gemini gives no call ids, so ids are generated), thought parts are dropped.
 */
final class GeminiResponseTranslator {
  private GeminiResponseTranslator() {
  }

  /** The readable content of one candidate. */
  record Candidate(int index, String text, List<ToolCall> calls, String finishReason) {
  }

  static JsonObject chat(JsonObject response, String model, TranslationEnv env) {
    List<OpenAiBodies.Choice> choices = new ArrayList<>();
    for (Candidate c : candidates(response, env)) {
      String finish = c.finishReason() == null ? "stop" : c.finishReason();
      choices.add(new OpenAiBodies.Choice(c.text().isEmpty() && !c.calls().isEmpty() ? null : c.text(), c.calls(),
          finish));
    }
    if (choices.isEmpty()) {
      // A prompt blocked by safety filters has no candidates, only promptFeedback.blockReason.
      choices.add(new OpenAiBodies.Choice("", List.of(), "content_filter"));
    }
    return OpenAiBodies.completion(Json.str(response, "responseId", env.completionId()), env.epochSeconds(),
        Json.str(response, "modelVersion", model), choices, usage(response));
  }

  static List<Candidate> candidates(JsonObject response, TranslationEnv env) {
    List<Candidate> out = new ArrayList<>();
    JsonArray candidates = Json.arr(response, "candidates");
    for (int i = 0; candidates != null && i < candidates.size(); i++) {
      JsonObject candidate = Json.objAt(candidates, i);
      if (candidate == null) {
        continue;
      }
      StringBuilder text = new StringBuilder();
      List<ToolCall> calls = new ArrayList<>();
      JsonArray parts = Json.arr(Json.obj(candidate, "content"), "parts");
      for (int p = 0; parts != null && p < parts.size(); p++) {
        JsonObject part = Json.objAt(parts, p);
        if (part == null || Json.bool(part, "thought")) {
          continue;
        }
        if (Json.str(part, "text") != null) {
          text.append(part.getString("text"));
        }
        JsonObject call = Json.obj(part, "functionCall");
        if (call != null) {
          JsonObject args = Json.obj(call, "args");
          calls.add(new ToolCall(Json.str(call, "id", env.toolCallId()), Json.str(call, "name", ""),
              (args == null ? new JsonObject() : args).encode()));
        }
      }
      int index = candidate.getValue("index") instanceof Number n ? n.intValue() : i;
      // clamp: an absurd upstream index must not make the chunk writer grow without bound
      out.add(new Candidate(Math.max(0, Math.min(index, 16)), text.toString(), calls,
          finishReason(Json.str(candidate, "finishReason"), !calls.isEmpty())));
    }
    return out;
  }

  /** Completion tokens include thinking tokens, which Gemini bills as output. */
  static Usage usage(JsonObject response) {
    JsonObject usage = Json.obj(response, "usageMetadata");
    if (usage == null) {
      return Usage.NONE;
    }
    return new Usage(Json.num(usage, "promptTokenCount"),
        Json.num(usage, "candidatesTokenCount") + Json.num(usage, "thoughtsTokenCount"), Usage.Source.REPORTED);
  }

  /** https://ai.google.dev/api/generate-content#FinishReason; null while the candidate is unfinished. */
  static String finishReason(String reason, boolean hasCalls) {
    if (reason == null || reason.equals("FINISH_REASON_UNSPECIFIED")) {
      return null;
    }
    return switch (reason) {
      case "STOP" -> hasCalls ? "tool_calls" : "stop";
      case "MAX_TOKENS" -> "length";
      case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY" -> "content_filter";
      default -> "stop";
    };
  }

  /** {@code {"embeddings":[{"values":[…]}]}} → OpenAI list (Gemini reports no token counts). */
  static JsonObject embeddings(JsonObject response, String model) {
    List<JsonArray> vectors = new ArrayList<>();
    JsonArray embeddings = Json.arr(response, "embeddings");
    for (int i = 0; embeddings != null && i < embeddings.size(); i++) {
      JsonArray values = Json.arr(Json.objAt(embeddings, i), "values");
      vectors.add(values == null ? new JsonArray() : values);
    }
    return OpenAiBodies.embeddings(model, vectors, new Usage(0, 0, Usage.Source.NONE));
  }
}
