package io.onegate.providers.spi;

/** The client-facing OpenAI endpoints the relay serves. Stable codes; never persisted by ordinal. */
public enum Endpoint {
  CHAT_COMPLETIONS("/v1/chat/completions"),
  COMPLETIONS("/v1/completions"),
  EMBEDDINGS("/v1/embeddings"),
  MODERATIONS("/v1/moderations"),
  IMAGES_GENERATIONS("/v1/images/generations"),
  AUDIO_TRANSCRIPTIONS("/v1/audio/transcriptions"),
  AUDIO_TRANSLATIONS("/v1/audio/translations"),
  AUDIO_SPEECH("/v1/audio/speech"),
  RERANK("/v1/rerank");

  private final String path;

  Endpoint(String path) {
    this.path = path;
  }

  /** OpenAI's path of the endpoint, e.g. {@code /v1/chat/completions}. */
  public String path() {
    return path;
  }
}
