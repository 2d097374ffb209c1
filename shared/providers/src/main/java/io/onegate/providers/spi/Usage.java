package io.onegate.providers.spi;

/**
 * Token usage of one exchange. {@link Source#NONE} means the upstream did not report it and nothing was
 * estimated yet — not the same as zero.
 */
public record Usage(long promptTokens, long completionTokens, Source source) {
  public enum Source { REPORTED, ESTIMATED, NONE }

  public static final Usage NONE = new Usage(0, 0, Source.NONE);

  public Usage {
    if (promptTokens < 0 || completionTokens < 0) {
      throw new IllegalArgumentException("negative token count");
    }
  }

  public long totalTokens() {
    return promptTokens + completionTokens;
  }

  public boolean reported() {
    return source == Source.REPORTED;
  }
}
