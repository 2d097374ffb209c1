package io.onegate.common.pricing;

import java.util.Map;

/**
 * Built-in model ratios (1 = $0.002 per 1K prompt tokens = 1 quota per token at QuotaPerUnit 500000), after One
 * API's table for the models OneGate's users name most. The {@code ModelRatio} option overrides and extends it.
 */
final class DefaultRatios {
  private DefaultRatios() {
  }

  static final Map<String, Double> MODEL = Map.ofEntries(
      // OpenAI chat
      Map.entry("gpt-3.5-turbo", 0.25), Map.entry("gpt-3.5-turbo-0125", 0.25),
      Map.entry("gpt-3.5-turbo-1106", 0.5), Map.entry("gpt-3.5-turbo-16k", 1.5),
      Map.entry("gpt-3.5-turbo-instruct", 0.75),
      Map.entry("gpt-4", 15.0), Map.entry("gpt-4-32k", 30.0), Map.entry("gpt-4-turbo", 5.0),
      Map.entry("gpt-4-turbo-preview", 5.0), Map.entry("gpt-4o", 1.25), Map.entry("gpt-4o-2024-05-13", 2.5),
      Map.entry("gpt-4o-mini", 0.075), Map.entry("chatgpt-4o-latest", 2.5),
      Map.entry("gpt-4.1", 1.0), Map.entry("gpt-4.1-mini", 0.2), Map.entry("gpt-4.1-nano", 0.05),
      Map.entry("gpt-4o-2024-08-06", 1.25), Map.entry("gpt-4o-2024-11-20", 1.25),
      Map.entry("gpt-4o-mini-2024-07-18", 0.075), Map.entry("gpt-4-turbo-2024-04-09", 5.0),
      Map.entry("gpt-4-0613", 15.0), Map.entry("gpt-3.5-turbo-0613", 0.75), Map.entry("o1-preview", 7.5),
      Map.entry("o3", 1.0), Map.entry("o4-mini", 0.55),
      Map.entry("o1", 7.5), Map.entry("o1-mini", 0.55), Map.entry("o3-mini", 0.55),
      // OpenAI embeddings, moderation, images, audio
      Map.entry("text-embedding-ada-002", 0.05), Map.entry("text-embedding-3-small", 0.01),
      Map.entry("text-embedding-3-large", 0.065), Map.entry("text-moderation-latest", 0.1),
      Map.entry("text-moderation-stable", 0.1), Map.entry("omni-moderation-latest", 0.1),
      Map.entry("dall-e-2", 8.0), Map.entry("dall-e-3", 20.0), Map.entry("ali-stable-diffusion-xl", 8.0),
      Map.entry("ali-stable-diffusion-v1.5", 8.0), Map.entry("wanx-v1", 8.0), Map.entry("cogview-3", 17.857),
      Map.entry("whisper-1", 15.0), Map.entry("tts-1", 7.5), Map.entry("tts-1-1106", 7.5),
      Map.entry("tts-1-hd", 15.0), Map.entry("tts-1-hd-1106", 15.0),
      // Anthropic
      Map.entry("claude-3-haiku-20240307", 0.125), Map.entry("claude-3-5-haiku-20241022", 0.4),
      Map.entry("claude-3-sonnet-20240229", 1.5), Map.entry("claude-3-5-sonnet-20240620", 1.5),
      Map.entry("claude-3-5-sonnet-20241022", 1.5), Map.entry("claude-3-5-sonnet-latest", 1.5),
      Map.entry("claude-3-opus-20240229", 7.5),
      // Google
      Map.entry("gemini-pro", 0.25), Map.entry("gemini-1.5-pro", 1.25), Map.entry("gemini-1.5-flash", 0.0375),
      Map.entry("gemini-2.0-flash", 0.05), Map.entry("text-embedding-004", 0.0),
      // Zhipu (RMB prices / 7 / 0.002 per 1K)
      Map.entry("glm-4", 7.143), Map.entry("glm-4-plus", 3.571), Map.entry("glm-4-flash", 0.0),
      Map.entry("glm-4-air", 0.0357), Map.entry("glm-3-turbo", 0.3572), Map.entry("embedding-2", 0.0357),
      Map.entry("embedding-3", 0.0357),
      // Baidu
      Map.entry("ernie-4.0-8k", 8.572), Map.entry("ernie-3.5-8k", 0.8572), Map.entry("ernie-speed-8k", 0.0),
      Map.entry("ernie-lite-8k", 0.0), Map.entry("embedding-v1", 0.1429), Map.entry("bge-large-zh", 0.1429),
      // Ali
      Map.entry("qwen-turbo", 0.0857), Map.entry("qwen-plus", 0.2857), Map.entry("qwen-max", 1.4286),
      Map.entry("qwen-long", 0.0357), Map.entry("text-embedding-v1", 0.05), Map.entry("text-embedding-v2", 0.05),
      // Others commonly routed through OpenAI-compatible channels
      Map.entry("deepseek-chat", 0.135), Map.entry("deepseek-reasoner", 0.275),
      Map.entry("moonshot-v1-8k", 0.857), Map.entry("moonshot-v1-32k", 1.714),
      Map.entry("moonshot-v1-128k", 4.2857),
      Map.entry("mistral-small-latest", 0.1), Map.entry("mistral-large-latest", 1.0),
      Map.entry("llama3-8b-8192", 0.025), Map.entry("llama3-70b-8192", 0.295));

  /** USD per second of input audio for transcription/translation models (OpenAI: whisper $0.006 per minute). */
  static final Map<String, Double> AUDIO_PER_SECOND = Map.of("whisper-1", 0.0001);

  /** One API's image size ratios per model (relay/billing/ratio/image.go); a size not listed is not allowed. */
  static final Map<String, Map<String, Double>> IMAGE_SIZE = Map.of(
      "dall-e-2", Map.of("256x256", 1.0, "512x512", 1.125, "1024x1024", 1.25),
      "dall-e-3", Map.of("1024x1024", 1.0, "1024x1792", 2.0, "1792x1024", 2.0),
      "ali-stable-diffusion-xl", Map.of("512x1024", 1.0, "1024x768", 1.0, "1024x1024", 1.0, "576x1024", 1.0,
          "1024x576", 1.0),
      "ali-stable-diffusion-v1.5", Map.of("512x1024", 1.0, "1024x768", 1.0, "1024x1024", 1.0, "576x1024", 1.0,
          "1024x576", 1.0),
      "wanx-v1", Map.of("1024x1024", 1.0, "720x1280", 1.0, "1280x720", 1.0));

  /** One API's allowed image count per request: {min, max}. */
  static final Map<String, int[]> IMAGE_N = Map.of(
      "dall-e-2", new int[] {1, 10}, "dall-e-3", new int[] {1, 1},
      "ali-stable-diffusion-xl", new int[] {1, 4}, "ali-stable-diffusion-v1.5", new int[] {1, 4},
      "wanx-v1", new int[] {1, 4});

  static final Map<String, Double> COMPLETION = Map.of(
      "whisper-1", 0.0, "deepseek-chat", 2.0, "deepseek-reasoner", 3.98);
}
