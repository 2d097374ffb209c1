package io.onegate.common.domain;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A channel: one upstream key of one provider type, as stored in {@code channels} (One API's fields). The key is
 * the decrypted credential; {@link #toString()} never shows it.
 *
 * @param type          One API channel type id (1 OpenAI, 3 Azure, 14 Anthropic, 15 Baidu, 16 Zhipu, 24 Gemini …)
 * @param baseUrl       override of the type's default base URL; empty for the default
 * @param models        model names this channel serves (exact names)
 * @param groups        user groups this channel serves
 * @param modelMapping  requested model -> upstream model
 * @param config        type-specific settings (One API's {@code config} JSON: region, api_version, user_id …)
 * @param systemPrompt  forced system prompt, or empty
 */
public record Channel(int id, int type, String key, int status, String name, int weight, String baseUrl,
                      List<String> models, List<String> groups, Map<String, String> modelMapping, long priority,
                      Map<String, String> config, String systemPrompt, String other) {

  public Channel {
    Objects.requireNonNull(key, "key");
    baseUrl = baseUrl == null ? "" : baseUrl;
    models = List.copyOf(models);
    groups = List.copyOf(groups);
    modelMapping = Map.copyOf(modelMapping);
    config = Map.copyOf(config);
    systemPrompt = systemPrompt == null ? "" : systemPrompt;
    other = other == null ? "" : other;
    name = name == null ? "" : name;
  }

  public boolean enabled() {
    return status == ChannelStatus.ENABLED;
  }

  /** The model sent upstream for {@code requested}, after this channel's model mapping. */
  public String upstreamModel(String requested) {
    String mapped = modelMapping.get(requested);
    return mapped == null || mapped.isEmpty() ? requested : mapped;
  }

  public Channel withStatus(int newStatus) {
    return new Channel(id, type, key, newStatus, name, weight, baseUrl, models, groups, modelMapping, priority,
        config, systemPrompt, other);
  }

  @Override
  public String toString() {
    return "Channel[id=" + id + ", type=" + type + ", name=" + name + ", status=" + status + ", key="
        + Secrets.mask(key) + "]";
  }
}
