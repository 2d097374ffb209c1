package io.onegate.providers.spi;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * One upstream API dialect (OpenAI, Azure, Anthropic, Gemini, Zhipu, Baidu, Ollama …). Stateless, thread-safe,
 * one instance per dialect, found only through {@code ProviderRegistry}. Every method is pure translation: no
 * I/O, no blocking, no Vert.x web types. Credentials that need an exchange (Baidu access tokens) come from a
 * {@link CredentialSource} resolved by the transport before {@link #request} is called.
 */
public interface ProviderAdaptor {

  /** Stable code of the dialect, e.g. "openai", "azure", "anthropic". */
  String name();

  boolean supports(Endpoint endpoint);

  /**
   * Builds the upstream request of one attempt.
   *
   * @param credential the channel key, or the exchanged credential when {@link #credentialSource()} is not null
   */
  UpstreamRequest request(AttemptSpec spec, ClientRequest client, String credential);

  /**
   * True when the upstream speaks OpenAI's wire format for this attempt, so response and stream bytes reach the
   * client unchanged (the relay only observes them for usage).
   */
  boolean passThrough(AttemptSpec spec);

  /** A successful non-stream upstream body as the OpenAI response body. Pass-through adaptors return it as is. */
  Buffer response(AttemptSpec spec, Buffer upstreamBody);

  /** Usage from a successful non-stream OpenAI-shaped response body ({@link Usage#NONE} if absent). */
  Usage usage(AttemptSpec spec, Buffer openAiResponseBody);

  /** Translator of one streamed attempt (for pass-through adaptors it observes and re-emits nothing). */
  StreamTranslator streamTranslator(AttemptSpec spec);

  default Framing framing(AttemptSpec spec) {
    return Framing.SSE;
  }

  /** Classifies a non-2xx answer (or an error carried in a 2xx body) from status and structured fields. */
  UpstreamFailure classify(int status, MultiMap headers, Buffer body);

  /** Built-in model list of the channel types this adaptor serves (the console's "fill in base models"). */
  List<String> defaultModels();

  /**
   * An error carried inside a 2xx non-stream body (Baidu's {@code error_code}, DashScope's {@code code}), or null
   * when the body is a success. The relay calls it before {@link #response}; a non-null answer is handled like a
   * non-2xx failure. Default: OpenAI dialects report errors only with error statuses.
   */
  default UpstreamFailure failureInBody(AttemptSpec spec, Buffer body) {
    return null;
  }

  /** Non-null when the channel key must be exchanged for a short-lived credential before requests. */
  default CredentialSource credentialSource() {
    return null;
  }
}
