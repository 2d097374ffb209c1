package io.onegate.providers.openai;

import io.onegate.providers.spi.AttemptSpec;
import java.util.Map;

/**
 * Azure OpenAI (channel type 3): OpenAI's wire format at
 * {@code {base}/openai/deployments/{model without dots}/{task}?api-version={config.api_version | other |
 * 2024-03-01-preview}} with the key in the {@code api-key} header. Everything else is the OpenAI dialect.
 */
public final class AzureAdaptor extends OpenAiAdaptor {
  public static final String DEFAULT_API_VERSION = "2024-03-01-preview";

  public AzureAdaptor() {
    super("azure", UrlRule.V1);
  }

  @Override
  protected String url(AttemptSpec spec) {
    String version = spec.channel().config().getOrDefault("api_version", "");
    if (version.isEmpty()) {
      version = spec.channel().other().isEmpty() ? DEFAULT_API_VERSION : spec.channel().other();
    }
    String deployment = spec.upstreamModel().replace(".", "");
    String task = UrlRule.withoutV1(spec.endpoint()); // "/chat/completions", "/images/generations" ...
    return trimSlash(spec.channel().baseUrl()) + "/openai/deployments/" + deployment + task + "?api-version="
        + version;
  }

  @Override
  protected void authHeaders(Map<String, String> headers, String credential) {
    headers.put("api-key", credential);
  }
}
