package io.onegate.health.probe;

import io.onegate.common.domain.Channel;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Picks the model a channel test asks for: the preferred one when the channel lists it exactly, else the channel's
 * first chat-capable model. Image, audio, embedding, moderation and rerank models are skipped (One API picked the
 * first model whatever it was, e.g. dall-e-3, and the chat test then failed: #1090). Empty when the channel has
 * no chat model.
 */
public final class TestModelChooser {
  private static final List<String> NOT_CHAT = List.of("dall-e", "gpt-image", "tts", "whisper", "embedding",
      "embed", "moderation", "rerank", "transcribe", "audio", "realtime", "image", "stable-diffusion", "sdxl",
      "midjourney", "flux", "sora", "speech", "suno", "cogview", "wanx", "bge-", "m3e");

  private TestModelChooser() {
  }

  public static Optional<String> choose(Channel channel, String preferred) {
    if (preferred != null && !preferred.isBlank() && channel.models().contains(preferred)) {
      return Optional.of(preferred);
    }
    return channel.models().stream().filter(TestModelChooser::isChatModel).findFirst();
  }

  public static boolean isChatModel(String model) {
    String name = model.toLowerCase(Locale.ROOT);
    return NOT_CHAT.stream().noneMatch(name::contains);
  }
}
