package io.onegate.testkit.fake;

import io.onegate.testkit.fake.FakeServer.Call;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * Azure OpenAI (https://learn.microsoft.com/azure/ai-services/openai/reference): OpenAI's bodies at
 * {@code /openai/deployments/{deployment}/chat/completions?api-version=…} with the key in the {@code api-key}
 * header (no {@code Authorization}). Deployment names cannot contain dots (One API's rule: {@code gpt-3.5-turbo}
 * is deployed as {@code gpt-35-turbo}). API versions before {@code 2024-09-01-preview} reject
 * {@code stream_options} ("Unrecognized request argument supplied: stream_options"), as Azure does; the chat
 * answers carry Azure's content-filter annotations and its streams start with a prompt-filter chunk without
 * choices (cassettes in {@code cassettes/azure/}).
 */
public final class AzureFake extends OpenAiFake {
  private static final String FIRST_STREAM_OPTIONS_VERSION = "2024-09-01";
  private final String apiVersion;
  private final Set<String> deployments;

  public AzureFake(String key, String apiVersion, Set<String> deployments) {
    super("azure", "", key);
    this.apiVersion = apiVersion;
    this.deployments = Set.copyOf(deployments);
  }

  @Override
  public Expected chat() {
    return new Expected("Hello! How can I help you today? 😊", 21, 11);
  }

  @Override
  public Expected stream() {
    return new Expected("Azure says hi — 你好!", 14, 8);
  }

  @Override
  protected String task(Call call) {
    String path = call.path();
    String start = "/openai/deployments/";
    if (!path.startsWith(start)) {
      return null;
    }
    int slash = path.indexOf('/', start.length());
    if (slash < 0) {
      return null;
    }
    String deployment = path.substring(start.length(), slash);
    if (!deployments.contains(deployment) || !apiVersion.equals(call.queryParam("api-version"))) {
      return null; // Azure answers 404 DeploymentNotFound; the fake records why
    }
    return path.substring(slash);
  }

  @Override
  protected String authProblem(Call call) {
    if (call.header("authorization") != null) {
      return "Azure takes the key in api-key, not Authorization";
    }
    return key().equals(call.header("api-key")) ? null : "expected api-key: <channel key>";
  }

  @Override
  protected String bodyProblem(JsonObject body) {
    if (body.containsKey("stream_options") && apiVersion.compareTo(FIRST_STREAM_OPTIONS_VERSION) < 0) {
      return "Unrecognized request argument supplied: stream_options";
    }
    return null;
  }
}
