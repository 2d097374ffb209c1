package io.onegate.providers.registry;

import io.onegate.common.domain.Channel;
import io.onegate.providers.ali.AliAdaptor;
import io.onegate.providers.anthropic.AnthropicAdaptor;
import io.onegate.providers.baidu.BaiduAdaptor;
import io.onegate.providers.gemini.GeminiAdaptor;
import io.onegate.providers.ollama.OllamaAdaptor;
import io.onegate.providers.zhipu.ZhipuAdaptor;
import io.onegate.providers.openai.AzureAdaptor;
import io.onegate.providers.openai.OpenAiAdaptor;
import io.onegate.providers.openai.UrlRule;
import io.onegate.providers.spi.ProviderAdaptor;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The only place that maps One API channel type ids to adaptors, with each type's default base URL. One table
 * ({@link #defaults()}); other dialects are added there with one {@code register} line each. Immutable after
 * construction and thread-safe.
 */
public final class ProviderRegistry {

  /** The adaptor serving a channel type and the type's default base URL ("" when the user must supply one). */
  public record Binding(ProviderAdaptor adaptor, String defaultBaseUrl) {
  }

  private final Map<Integer, Binding> byType;

  private ProviderRegistry(Map<Integer, Binding> byType) {
    this.byType = Map.copyOf(byType);
  }

  /** Every channel type OneGate serves. */
  public static ProviderRegistry defaults() {
    Map<Integer, Binding> t = new HashMap<>();
    OpenAiAdaptor openai = new OpenAiAdaptor("openai", UrlRule.V1);
    register(t, 1, openai, "https://api.openai.com");
    register(t, 2, openai, "https://oa.api2d.net");
    register(t, 3, new AzureAdaptor(), "");
    register(t, 4, openai, "https://api.closeai-proxy.xyz");
    register(t, 5, openai, "https://api.openai-sb.com");
    register(t, 6, openai, "https://api.openaimax.com");
    register(t, 7, openai, "https://api.ohmygpt.com");
    register(t, 8, openai, "");
    register(t, 9, openai, "https://api.caipacity.com");
    register(t, 10, openai, "https://api.aiproxy.io");
    register(t, 12, openai, "https://api.api2gpt.com");
    register(t, 13, openai, "https://api.aigc2d.com");
    register(t, 19, openai, "https://ai.360.cn");
    register(t, 20, new OpenAiAdaptor("openrouter", UrlRule.V1,
        Map.of("HTTP-Referer", "https://github.com/onegate", "X-Title", "One API")), "https://openrouter.ai/api");
    register(t, 22, openai, "https://fastgpt.run/api/openapi");
    register(t, 25, openai, "https://api.moonshot.cn");
    register(t, 26, openai, "https://api.baichuan-ai.com");
    register(t, 27, new OpenAiAdaptor("minimax", UrlRule.MINIMAX), "https://api.minimax.chat");
    register(t, 28, openai, "https://api.mistral.ai");
    register(t, 29, openai, "https://api.groq.com/openai");
    register(t, 31, openai, "https://api.lingyiwanwu.com");
    register(t, 32, openai, "https://api.stepfun.com");
    register(t, 36, openai, "https://api.deepseek.com");
    register(t, 39, openai, "https://api.together.xyz");
    register(t, 40, new OpenAiAdaptor("doubao", UrlRule.DOUBAO), "https://ark.cn-beijing.volces.com");
    register(t, 41, new OpenAiAdaptor("novita", UrlRule.NOVITA), "https://api.novita.ai/v3/openai");
    register(t, 44, openai, "https://api.siliconflow.cn");
    register(t, 45, openai, "https://api.x.ai");
    register(t, 47, new OpenAiAdaptor("qianfan", UrlRule.QIANFAN_V2), "https://qianfan.baidubce.com");
    register(t, 48, openai, "https://spark-api-open.xf-yun.com");
    register(t, 49, new OpenAiAdaptor("bailian", UrlRule.BAILIAN), "https://dashscope.aliyuncs.com");
    OpenAiAdaptor versioned = new OpenAiAdaptor("openai-compatible", UrlRule.VERSIONED_BASE);
    register(t, 50, versioned, "");
    register(t, 51, versioned, "https://generativelanguage.googleapis.com/v1beta/openai");
    register(t, 14, new AnthropicAdaptor(), "https://api.anthropic.com");
    register(t, 15, new BaiduAdaptor(), "https://aip.baidubce.com");
    register(t, 16, new ZhipuAdaptor(), "https://open.bigmodel.cn");
    register(t, 17, new AliAdaptor(), "https://dashscope.aliyuncs.com");
    register(t, 24, new GeminiAdaptor(), "https://generativelanguage.googleapis.com");
    register(t, 30, new OllamaAdaptor(), "http://localhost:11434");
    return new ProviderRegistry(t);
  }

  private static void register(Map<Integer, Binding> table, int type, ProviderAdaptor adaptor, String baseUrl) {
    if (table.putIfAbsent(type, new Binding(adaptor, baseUrl)) != null) {
      throw new IllegalStateException("channel type " + type + " registered twice");
    }
  }

  /** A copy with one more (or a replaced) type; for tests and for dialects wired outside this module. */
  public ProviderRegistry with(int type, ProviderAdaptor adaptor, String defaultBaseUrl) {
    Map<Integer, Binding> copy = new HashMap<>(byType);
    copy.put(type, new Binding(adaptor, defaultBaseUrl));
    return new ProviderRegistry(copy);
  }

  public Optional<Binding> binding(int type) {
    return Optional.ofNullable(byType.get(type));
  }

  public Optional<ProviderAdaptor> adaptor(int type) {
    Binding b = byType.get(type);
    return b == null ? Optional.empty() : Optional.of(b.adaptor());
  }

  /**
   * The channel as adaptors see it: the base URL filled in with the type's default when the channel has none.
   * Returns the same instance when nothing changes.
   */
  public Channel effective(Channel channel) {
    if (!channel.baseUrl().isEmpty()) {
      return channel;
    }
    Binding b = byType.get(channel.type());
    if (b == null || b.defaultBaseUrl().isEmpty()) {
      return channel;
    }
    return new Channel(channel.id(), channel.type(), channel.key(), channel.status(), channel.name(),
        channel.weight(), b.defaultBaseUrl(), channel.models(), channel.groups(), channel.modelMapping(),
        channel.priority(), channel.config(), channel.systemPrompt(), channel.other());
  }

  /** Channel types with an adaptor. */
  public java.util.Set<Integer> types() {
    return byType.keySet();
  }
}
