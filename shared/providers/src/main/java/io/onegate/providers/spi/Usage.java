package io.onegate.providers.spi;

/**
 * What one exchange used: token counts and, for audio transcription and translation, the seconds of input audio
 * the upstream reported (0 when it did not). {@link Source#NONE} means the upstream reported nothing and nothing
 * was estimated yet — not the same as zero.
 */
public record Usage(long promptTokens, long completionTokens, Source source, double audioSeconds) {
  public enum Source { REPORTED, ESTIMATED, NONE }

  public static final Usage NONE = new Usage(0, 0, Source.NONE);

  public Usage {
    if (promptTokens < 0 || completionTokens < 0 || !(audioSeconds >= 0)) {
      throw new IllegalArgumentException("negative usage");
    }
  }

  /** Token counts only. */
  public Usage(long promptTokens, long completionTokens, Source source) {
    this(promptTokens, completionTokens, source, 0);
  }

  public long totalTokens() {
    return promptTokens + completionTokens;
  }

  public boolean reported() {
    return source == Source.REPORTED;
  }
}
