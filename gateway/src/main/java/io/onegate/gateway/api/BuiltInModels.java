package io.onegate.gateway.api;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** OneGate's default per-type model lists (a subset of One API's adaptor lists, for the common types). */
public final class BuiltInModels implements ModelCatalog {
  private static final List<String> OPENAI = List.of("gpt-3.5-turbo", "gpt-3.5-turbo-0125", "gpt-3.5-turbo-16k",
      "gpt-3.5-turbo-instruct", "gpt-4", "gpt-4-32k", "gpt-4-turbo", "gpt-4-turbo-preview", "gpt-4o",
      "gpt-4o-2024-08-06", "gpt-4o-mini", "chatgpt-4o-latest", "o1", "o1-mini", "o1-preview", "o3-mini",
      "text-embedding-ada-002", "text-embedding-3-small", "text-embedding-3-large", "text-moderation-latest",
      "dall-e-2", "dall-e-3", "whisper-1", "tts-1", "tts-1-hd");
  private static final List<String> ANTHROPIC = List.of("claude-instant-1.2", "claude-2.1", "claude-3-haiku-20240307",
      "claude-3-5-haiku-20241022", "claude-3-sonnet-20240229", "claude-3-opus-20240229", "claude-3-5-sonnet-20240620",
      "claude-3-5-sonnet-20241022", "claude-3-5-sonnet-latest");
  private static final List<String> GEMINI = List.of("gemini-pro", "gemini-1.0-pro", "gemini-1.5-flash",
      "gemini-1.5-pro", "gemini-2.0-flash-exp", "text-embedding-004", "aqa");
  private static final Map<Integer, List<String>> BY_TYPE;

  static {
    Map<Integer, List<String>> m = new TreeMap<>();
    m.put(1, OPENAI);
    m.put(3, OPENAI);
    m.put(11, List.of("PaLM-2"));
    m.put(14, ANTHROPIC);
    m.put(15, List.of("ERNIE-4.0-8K", "ERNIE-3.5-8K", "ERNIE-Speed-8K", "ERNIE-Lite-8K", "ERNIE-Tiny-8K",
        "Embedding-V1"));
    m.put(16, List.of("glm-4", "glm-4v", "glm-4-flash", "glm-3-turbo", "embedding-2", "cogview-3"));
    m.put(17, List.of("qwen-turbo", "qwen-plus", "qwen-max", "qwen-max-longcontext", "text-embedding-v1"));
    m.put(18, List.of("SparkDesk", "SparkDesk-v3.5", "SparkDesk-v4.0"));
    m.put(23, List.of("hunyuan-lite", "hunyuan-standard", "hunyuan-pro"));
    m.put(24, GEMINI);
    m.put(25, List.of("moonshot-v1-8k", "moonshot-v1-32k", "moonshot-v1-128k"));
    m.put(26, List.of("Baichuan2-Turbo", "Baichuan2-Turbo-192k", "Baichuan-Text-Embedding"));
    m.put(27, List.of("abab5.5s-chat", "abab5.5-chat", "abab6-chat"));
    m.put(28, List.of("open-mistral-7b", "open-mixtral-8x7b", "mistral-small-latest", "mistral-medium-latest",
        "mistral-large-latest", "mistral-embed"));
    m.put(29, List.of("llama3-8b-8192", "llama3-70b-8192", "mixtral-8x7b-32768", "gemma-7b-it"));
    m.put(31, List.of("yi-34b-chat-0205", "yi-34b-chat-200k", "yi-vl-plus"));
    m.put(32, List.of("step-1-8k", "step-1-32k", "step-1-128k", "step-1v-8k"));
    m.put(33, List.of("claude-3-haiku-20240307", "claude-3-sonnet-20240229", "claude-3-5-sonnet-20240620",
        "llama3-8b-8192", "llama3-70b-8192"));
    m.put(34, List.of());
    m.put(35, List.of("command", "command-r", "command-r-plus", "command-light"));
    m.put(36, List.of("deepseek-chat", "deepseek-reasoner"));
    m.put(37, List.of("@cf/meta/llama-3.1-8b-instruct", "@cf/mistral/mistral-7b-instruct-v0.1"));
    m.put(38, List.of("deepl-zh", "deepl-en", "deepl-ja"));
    m.put(39, List.of("meta-llama/Llama-3-70b-chat-hf", "mistralai/Mixtral-8x7B-Instruct-v0.1"));
    m.put(40, List.of("Doubao-pro-32k", "Doubao-lite-32k", "Doubao-embedding"));
    m.put(42, ModelCatalog.join(List.of("gemini-1.5-pro-001", "gemini-1.5-flash-001"),
        List.of("claude-3-5-sonnet@20240620", "claude-3-haiku@20240307")));
    m.put(44, List.of("deepseek-ai/DeepSeek-V2.5", "Qwen/Qwen2.5-72B-Instruct"));
    m.put(45, List.of("grok-beta"));
    m.put(47, List.of("ernie-4.0-8k", "ernie-3.5-8k", "ernie-speed-8k"));
    m.put(48, List.of("generalv3.5", "4.0Ultra", "lite"));
    m.put(49, List.of("qwen-turbo", "qwen-plus", "qwen-max"));
    m.put(51, GEMINI);
    BY_TYPE = java.util.Collections.unmodifiableMap(m);
  }

  @Override
  public Map<Integer, List<String>> byType() {
    return BY_TYPE;
  }

  /** One API's type ids are 1..51 (52 is the sentinel). */
  public static boolean validType(long type) {
    return type >= 1 && type <= 51;
  }
}
