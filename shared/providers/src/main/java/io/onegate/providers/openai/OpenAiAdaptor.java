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
    return usageOfBody(openAiResponseBody);
  }

  /**
   * {@link #usageOf} of a whole response body, read with a streaming parser that skips everything but the top-level
   * {@code usage} object (no tree is built: this runs once per relayed request). NONE for a body that is not JSON.
   */
  public static Usage usageOfBody(Buffer body) {
    try (com.fasterxml.jackson.core.JsonParser p = io.onegate.common.json.JsonText.FACTORY
        .createParser(body.getBytes())) {
      if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
        return Usage.NONE;
      }
      while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
        String field = p.currentName();
        com.fasterxml.jackson.core.JsonToken value = p.nextToken();
        if ("usage".equals(field) && value == com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
          long prompt = 0;
          long completion = 0;
          long total = 0;
          while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
            String name = p.currentName();
            com.fasterxml.jackson.core.JsonToken v = p.nextToken();
            long n = v.isNumeric() ? Math.max(0, p.getValueAsLong()) : 0;
            p.skipChildren();
            switch (name) {
              case "prompt_tokens" -> prompt = n;
              case "completion_tokens" -> completion = n;
              case "total_tokens" -> total = n;
              default -> { }
            }
          }
          return usage(prompt, completion, total);
        }
        p.skipChildren();
      }
      return Usage.NONE;
    } catch (java.io.IOException | RuntimeException e) {
      return Usage.NONE;
    }
  }

  /** {@code usage} of an OpenAI body or chunk: prompt/completion tokens, or total tokens (embeddings, rerank). */
  public static Usage usageOf(JsonObject body) {
    if (!(body.getValue("usage") instanceof JsonObject usage)) {
      return Usage.NONE;
    }
    return usage(number(usage.getValue("prompt_tokens")), number(usage.getValue("completion_tokens")),
        number(usage.getValue("total_tokens")));
  }

  private static Usage usage(long prompt, long completion, long total) {
    if (prompt == 0 && completion == 0 && total > 0) {
      prompt = total;
    }
    if (prompt == 0 && completion == 0) {
      return Usage.NONE;
    }
    return new Usage(prompt, completion, Usage.Source.REPORTED);
  }

  private static long number(Object v) {
    return v instanceof Number n ? Math.max(0, n.longValue()) : 0;
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
