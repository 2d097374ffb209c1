package io.onegate.providers.openai;

import io.onegate.common.domain.Channel;
import io.onegate.providers.spi.AttemptSpec;
import io.onegate.providers.spi.ClientRequest;
import io.onegate.providers.spi.Endpoint;
import io.onegate.providers.spi.ProviderAdaptor;
import io.onegate.providers.spi.StreamTranslator;
import io.onegate.providers.spi.UpstreamFailure;
import io.onegate.providers.spi.UpstreamRequest;
import io.onegate.providers.spi.Usage;
import io.onegate.providers.support.UpstreamErrors;
import io.onegate.providers.support.OpenAiBodies;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The OpenAI dialect, for OpenAI itself and every OpenAI-compatible channel type (the type's {@link UrlRule}
 * decides the URL). The client's body bytes go upstream unchanged unless the channel maps the model or forces a
 * system prompt (then only those fields are patched on a copy; unknown fields survive). Responses and streams pass
 * through unchanged. Stateless and thread-safe.
 */
public class OpenAiAdaptor implements ProviderAdaptor {
  private final String name;
  private final UrlRule urlRule;
  private final Map<String, String> extraHeaders;

  public OpenAiAdaptor(String name, UrlRule urlRule, Map<String, String> extraHeaders) {
    this.name = name;
    this.urlRule = urlRule;
    this.extraHeaders = Map.copyOf(extraHeaders);
  }

  public OpenAiAdaptor(String name, UrlRule urlRule) {
    this(name, urlRule, Map.of());
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean supports(Endpoint endpoint) {
    return true;
  }

  @Override
  public UpstreamRequest request(AttemptSpec spec, ClientRequest client, String credential) {
    Map<String, String> headers = new HashMap<>(extraHeaders);
    authHeaders(headers, credential);
    if (client.contentType() != null && !client.contentType().isEmpty()) {
      headers.put("Content-Type", client.contentType());
    }
    headers.put("Accept", spec.stream() ? "text/event-stream" : "application/json");
    return new UpstreamRequest("POST", url(spec), headers, body(spec, client));
  }

  /** The upstream URL of the attempt; {@code spec.channel().baseUrl()} is the effective base (registry-filled). */
  protected String url(AttemptSpec spec) {
    return urlRule.url(trimSlash(spec.channel().baseUrl()), spec.endpoint());
  }

  protected void authHeaders(Map<String, String> headers, String credential) {
    headers.put("Authorization", "Bearer " + credential);
  }

  /** Raw bytes when nothing must change; otherwise a patched copy (model renamed, system prompt forced). */
  protected Buffer body(AttemptSpec spec, ClientRequest client) {
    if (!client.isJson()) {
      return client.raw();
    }
    JsonObject json = client.json();
    Channel channel = spec.channel();
    boolean modelChanged = !spec.upstreamModel().equals(json.getValue("model"));
    boolean systemPrompt = !channel.systemPrompt().isEmpty() && json.getValue("messages") instanceof JsonArray;
    if (!modelChanged && !systemPrompt) {
      return client.raw();
    }
    JsonObject copy = json.copy();
    copy.put("model", spec.upstreamModel());
    if (systemPrompt) {
      JsonArray messages = copy.getJsonArray("messages");
      JsonObject system = new JsonObject().put("role", "system").put("content", channel.systemPrompt());
      if (!messages.isEmpty() && messages.getValue(0) instanceof JsonObject first
          && "system".equals(first.getString("role"))) {
        messages.set(0, system);
      } else {
        messages.add(0, system);
      }
    }
    return copy.toBuffer();
  }

  @Override
  public boolean passThrough(AttemptSpec spec) {
    return true;
  }

  @Override
  public Buffer response(AttemptSpec spec, Buffer upstreamBody) {
    return upstreamBody;
  }

  @Override
  public Usage usage(AttemptSpec spec, Buffer openAiResponseBody) {
    return OpenAiBodies.usageOf(openAiResponseBody);
  }

  @Override
  public StreamTranslator streamTranslator(AttemptSpec spec) {
    return new OpenAiStreamObserver();
  }

  @Override
  public UpstreamFailure classify(int status, MultiMap headers, Buffer body) {
    return UpstreamErrors.withRetryAfter(OpenAiErrors.classify(status, body), headers);
  }

  @Override
  public List<String> defaultModels() {
    return List.of("gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "o1", "o3-mini",
        "gpt-4-turbo", "gpt-4", "gpt-3.5-turbo", "text-embedding-3-small", "text-embedding-3-large",
        "text-embedding-ada-002", "omni-moderation-latest", "text-moderation-latest", "dall-e-2", "dall-e-3",
        "whisper-1", "tts-1", "tts-1-hd");
  }

  static String trimSlash(String base) {
    int end = base.length();
    while (end > 0 && base.charAt(end - 1) == '/') {
      end--;
    }
    return base.substring(0, end);
  }
}
