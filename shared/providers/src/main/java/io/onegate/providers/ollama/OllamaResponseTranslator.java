package io.onegate.providers.ollama;

import io.onegate.common.error.FailureClass;
import io.onegate.providers.spi.UpstreamFailure;
import io.onegate.providers.spi.Usage;
import io.onegate.providers.support.Json;
import io.onegate.providers.support.OpenAiBodies;
import io.onegate.providers.support.OpenAiBodies.ToolCall;
import io.onegate.providers.support.TranslationEnv;
import io.onegate.providers.support.UpstreamErrors;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Ollama answers → OpenAI (https://github.com/ollama/ollama/blob/main/docs/api.md): {@code message.content},
 * {@code message.tool_calls} (arguments are objects, ids are generated), {@code done_reason}, usage from
 * {@code prompt_eval_count}/{@code eval_count}; {@code /api/embed}'s {@code embeddings}. Errors are
 * {@code {"error":"text"}} without codes (https://github.com/ollama/ollama/blob/main/docs/api.md#errors), so they
 * are classified by status.
 */
final class OllamaResponseTranslator {
  private OllamaResponseTranslator() {
  }

  static JsonObject chat(JsonObject response, String model, TranslationEnv env) {
    JsonObject message = Json.obj(response, "message");
    List<ToolCall> calls = toolCalls(message, env);
    String content = Json.str(message, "content", "");
    String finish = finishReason(Json.str(response, "done_reason"), !calls.isEmpty());
    OpenAiBodies.Choice choice = new OpenAiBodies.Choice(content.isEmpty() && !calls.isEmpty() ? null : content,
        calls, finish);
    return OpenAiBodies.completion(env.completionId(), env.epochSeconds(), Json.str(response, "model", model),
        List.of(choice), usage(response));
  }

  static List<ToolCall> toolCalls(JsonObject message, TranslationEnv env) {
    List<ToolCall> calls = new ArrayList<>();
    JsonArray array = Json.arr(message, "tool_calls");
    for (int i = 0; array != null && i < array.size(); i++) {
      JsonObject fn = Json.obj(Json.objAt(array, i), "function");
      if (fn != null) {
        Object args = fn.getValue("arguments");
        String arguments = args instanceof JsonObject o ? o.encode() : args instanceof String s ? s : "{}";
        calls.add(new ToolCall(Json.str(Json.objAt(array, i), "id", env.toolCallId()), Json.str(fn, "name", ""),
            arguments));
      }
    }
    return calls;
  }

  static Usage usage(JsonObject response) {
    if (!Json.has(response, "prompt_eval_count") && !Json.has(response, "eval_count")) {
      return Usage.NONE;
    }
    return new Usage(Json.num(response, "prompt_eval_count"), Json.num(response, "eval_count"),
        Usage.Source.REPORTED);
  }

  static String finishReason(String doneReason, boolean calledTools) {
    if ("length".equals(doneReason)) {
      return "length";
    }
    return calledTools ? "tool_calls" : "stop";
  }

  static JsonObject embeddings(JsonObject response, String model) {
    List<JsonArray> vectors = new ArrayList<>();
    JsonArray embeddings = Json.arr(response, "embeddings");
    for (int i = 0; embeddings != null && i < embeddings.size(); i++) {
      vectors.add(embeddings.getValue(i) instanceof JsonArray a ? a : new JsonArray());
    }
    long prompt = Json.num(response, "prompt_eval_count");
    return OpenAiBodies.embeddings(Json.str(response, "model", model), vectors,
        new Usage(prompt, 0, Usage.Source.REPORTED));
  }

  static UpstreamFailure classify(int status, JsonObject body) {
    FailureClass failureClass = status >= 400 ? UpstreamErrors.byStatus(status) : FailureClass.UNKNOWN;
    Object error = body == null ? null : body.getValue("error");
    String message = error instanceof String s ? s : Json.str(Json.obj(body, "error"), "message");
    return UpstreamErrors.failure(failureClass, status, null, message, "ollama_error");
  }
}
