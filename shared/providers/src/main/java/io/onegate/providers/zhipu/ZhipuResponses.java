package io.onegate.providers.zhipu;

import io.onegate.providers.support.Json;
import io.onegate.providers.support.TranslationEnv;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Normalisation of Zhipu v4's OpenAI-like bodies (https://open.bigmodel.cn/dev/api/normal-model/glm-4,
 * https://open.bigmodel.cn/dev/api/vector/embedding): adds the {@code object}, {@code created} and
 * {@code index} fields OpenAI clients expect; everything else passes unchanged.
 */
final class ZhipuResponses {
  private ZhipuResponses() {
  }

  static JsonObject chat(JsonObject body, String model, TranslationEnv env) {
    JsonObject out = body.copy();
    out.put("object", "chat.completion");
    if (Json.str(out, "id") == null) {
      out.put("id", env.completionId());
    }
    if (!(out.getValue("created") instanceof Number)) {
      out.put("created", env.epochSeconds());
    }
    if (Json.str(out, "model") == null) {
      out.put("model", model);
    }
    JsonArray choices = Json.arr(out, "choices");
    for (int i = 0; choices != null && i < choices.size(); i++) {
      indexToolCalls(Json.obj(Json.objAt(choices, i), "message"));
    }
    return out;
  }

  static JsonObject embeddings(JsonObject body, String model) {
    JsonObject out = body.copy();
    out.put("object", "list");
    if (Json.str(out, "model") == null) {
      out.put("model", model);
    }
    JsonArray data = Json.arr(out, "data");
    for (int i = 0; data != null && i < data.size(); i++) {
      JsonObject item = Json.objAt(data, i);
      if (item != null) {
        item.put("object", "embedding");
        if (!(item.getValue("index") instanceof Number)) {
          item.put("index", i);
        }
      }
    }
    return out;
  }

  /** Gives tool calls without an {@code index} their position (OpenAI SDKs accumulate deltas by index). */
  static void indexToolCalls(JsonObject messageOrDelta) {
    JsonArray calls = Json.arr(messageOrDelta, "tool_calls");
    for (int i = 0; calls != null && i < calls.size(); i++) {
      JsonObject call = Json.objAt(calls, i);
      if (call != null && !(call.getValue("index") instanceof Number)) {
        call.put("index", i);
      }
    }
  }
}
