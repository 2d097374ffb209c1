package io.onegate.providers.support;

import io.onegate.providers.spi.StreamTranslator;
import io.onegate.providers.spi.UpstreamFailure;
import io.onegate.providers.spi.Usage;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * The part every translated stream shares: the OpenAI chunks are written with a {@link ChunkWriter}; the usage and
 * the in-stream failure the dialect reported are kept here; the stream ends with the usage chunk (when the client
 * asked for it). Subclasses translate frames ({@link #onFrame}) and call {@link #report} and {@link #fail}.
 * Single-use, one event loop.
 */
public abstract class ChunkStreamTranslator implements StreamTranslator {
  protected final ChunkWriter out;
  private Usage usage = Usage.NONE;
  private UpstreamFailure failure;

  protected ChunkStreamTranslator(ChunkWriter out) {
    this.out = out;
  }

  /** Keeps {@code reported} as the stream's usage unless it is {@link Usage#NONE}. */
  protected final void report(Usage reported) {
    if (reported.source() != Usage.Source.NONE) {
      usage = reported;
    }
  }

  /** Records the dialect's in-stream failure and returns the OpenAI error event that tells the client. */
  protected final List<Buffer> fail(UpstreamFailure reported) {
    failure = reported;
    return List.of(ChunkWriter.error(reported.clientError()));
  }

  @Override
  public List<Buffer> onEnd() {
    return out.finalUsage(usage());
  }

  @Override
  public Usage usage() {
    return usage;
  }

  @Override
  public CharSequence deliveredText() {
    return out.delivered();
  }

  @Override
  public final UpstreamFailure failure() {
    return failure;
  }
}
