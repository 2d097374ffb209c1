package io.onegate.gateway.api.aiproxy;

import io.onegate.providers.registry.ProviderRegistry;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * AI Proxy's channel type ids and OneGate's (One API's) in one table. Both number the common providers alike, but
 * several ids mean different providers (AI Proxy 43 is SiliconFlow, One API 43 its proxy type; 4 is Azure, One API 4
 * CloseAI …), so every id crossing the AI Proxy API goes through here. OneGate types without an AI Proxy id are all
 * OpenAI-compatible adaptors and show as AI Proxy's OpenAI (1); an update that sends back the shown id keeps the
 * stored type. Pure.
 */
final class ChannelTypes {

  /**
   * One AI Proxy type OneGate serves.
   *
   * @param oneGate  the channel type it is stored as
   * @param v1Suffix OneGate's adaptor appends {@code /v1/...} to the base URL itself: an AI Proxy base URL ending in
   *                 {@code /v1} (its convention) is stored without it
   */
  record Type(int aiProxy, int oneGate, String name, String keyHelp, boolean v1Suffix) {
  }

  private static final Map<Integer, Type> BY_AI_PROXY = new LinkedHashMap<>();
  private static final Map<Integer, Integer> TO_AI_PROXY = new LinkedHashMap<>();

  static {
    add(1, 1, "OpenAI", "", true);
    add(3, 3, "Azure (deprecated)", "key", false);
    add(4, 3, "Azure", "key", false);
    add(12, 51, "Google Gemini (OpenAI)", "", false);
    add(13, 47, "Baidu V2 (Qianfan)", "", false);
    add(14, 14, "Anthropic", "", false);
    add(15, 15, "Baidu", "APIKey|SecretKey", false);
    add(16, 16, "Zhipu", "id.secret", false);
    add(17, 17, "Ali", "", false);
    add(18, 48, "Xunfei (Spark)", "APIPassword", true);
    add(19, 19, "AI360", "", true);
    add(20, 20, "OpenRouter", "", true);
    add(24, 24, "Google Gemini", "", false);
    add(25, 25, "Moonshot", "", true);
    add(26, 26, "Baichuan", "", true);
    add(27, 27, "MiniMax", "", false);
    add(28, 28, "Mistral", "", true);
    add(29, 29, "Groq", "", true);
    add(30, 30, "Ollama", "any value", false);
    add(31, 31, "Lingyiwanwu", "", true);
    add(32, 32, "StepFun", "", true);
    add(36, 36, "DeepSeek", "", true);
    add(40, 40, "Doubao", "", false);
    add(41, 41, "Novita", "", false);
    add(43, 44, "SiliconFlow", "", true);
    add(45, 45, "xAI", "", true);
    add(49, 47, "Qianfan", "", false);
    TO_AI_PROXY.put(3, 4); // Azure shows as AI Proxy's current Azure type
  }

  private ChannelTypes() {
  }

  private static void add(int aiProxy, int oneGate, String name, String keyHelp, boolean v1Suffix) {
    BY_AI_PROXY.put(aiProxy, new Type(aiProxy, oneGate, name, keyHelp, v1Suffix));
    TO_AI_PROXY.putIfAbsent(oneGate, aiProxy);
  }

  /** The AI Proxy type {@code aiProxy} as OneGate serves it, if it does. */
  static Optional<Type> of(int aiProxy) {
    return Optional.ofNullable(BY_AI_PROXY.get(aiProxy));
  }

  /** The AI Proxy id a OneGate channel type shows as (1, OpenAI-compatible, for types AI Proxy lacks). */
  static int toAiProxy(int oneGate) {
    return TO_AI_PROXY.getOrDefault(oneGate, 1);
  }

  /** {@code GET /api/channels/type_metas}: AI Proxy id → {name, keyHelp, defaultBaseUrl}. */
  static JsonObject metas(ProviderRegistry registry) {
    JsonObject out = new JsonObject();
    BY_AI_PROXY.values().forEach(t -> {
      String base = registry.binding(t.oneGate()).map(ProviderRegistry.Binding::defaultBaseUrl).orElse("");
      out.put(String.valueOf(t.aiProxy()), new JsonObject().put("name", t.name()).put("keyHelp", t.keyHelp())
          .put("defaultBaseUrl", t.v1Suffix() && !base.isEmpty() ? base + "/v1" : base));
    });
    return out;
  }

  /** The base URL as stored for {@code type}: AI Proxy's trailing {@code /v1} dropped where OneGate adds it. */
  static String storedBaseUrl(Type type, String baseUrl) {
    String url = baseUrl == null ? "" : baseUrl.trim();
    while (url.endsWith("/")) {
      url = url.substring(0, url.length() - 1);
    }
    return type.v1Suffix() && url.endsWith("/v1") ? url.substring(0, url.length() - 3) : url;
  }
}
