package io.onegate.providers.openai;

import io.onegate.providers.spi.AttemptSpec;
import io.onegate.providers.spi.ClientRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Azure OpenAI (channel type 3): OpenAI's wire format at
 * {@code {base}/openai/deployments/{model without dots}/{task}?api-version={config.api_version | other |
 * 2024-03-01-preview}} with the key in the {@code api-key} header. Everything else is the OpenAI dialect, except
 * that {@code stream_options} is dropped for API versions older than {@value #FIRST_STREAM_OPTIONS_VERSION}, which
 * reject it ("Unrecognized request argument supplied: stream_options"); such streams carry no usage chunk and
 * are billed on the gateway's token count.
 */
public final class AzureAdaptor extends OpenAiAdaptor {
  public static final String DEFAULT_API_VERSION = "2024-03-01-preview";
  /** The first API version (by date) whose chat completions accept {@code stream_options}. */
  static final String FIRST_STREAM_OPTIONS_VERSION = "2024-09-01";

  public AzureAdaptor() {
    super("azure", UrlRule.V1);
  }

  @Override
  protected String url(AttemptSpec spec) {
    String deployment = spec.upstreamModel().replace(".", "");
    String task = UrlRule.withoutV1(spec.endpoint()); // "/chat/completions", "/images/generations" ...
    return trimSlash(spec.channel().baseUrl()) + "/openai/deployments/" + deployment + task + "?api-version="
        + apiVersion(spec);
  }

  static String apiVersion(AttemptSpec spec) {
    String version = spec.channel().config().getOrDefault("api_version", "");
    if (version.isEmpty()) {
      version = spec.channel().other().isEmpty() ? DEFAULT_API_VERSION : spec.channel().other();
    }
    return version;
  }

  /** True for versions dated before {@link #FIRST_STREAM_OPTIONS_VERSION}; unknown formats are left alone. */
  static boolean rejectsStreamOptions(String version) {
    return version.matches("\\d{4}-\\d{2}-\\d{2}.*")
        && version.substring(0, 10).compareTo(FIRST_STREAM_OPTIONS_VERSION) < 0;
  }

  @Override
  protected Buffer body(AttemptSpec spec, ClientRequest client) {
    Buffer body = super.body(spec, client);
    if (!client.isJson() || !client.json().containsKey("stream_options")
        || !rejectsStreamOptions(apiVersion(spec))) {
      return body;
    }
    JsonObject copy = new JsonObject(body);
    copy.remove("stream_options");
    return copy.toBuffer();
  }

  @Override
  protected void authHeaders(Map<String, String> headers, String credential) {
    headers.put("api-key", credential);
  }
}
