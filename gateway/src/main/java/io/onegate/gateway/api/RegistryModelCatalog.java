package io.onegate.gateway.api;

import io.onegate.providers.registry.ProviderRegistry;
import io.onegate.providers.spi.ProviderAdaptor;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Model lists per channel type from the provider registry: a type served by its own dialect adaptor (Anthropic,
 * Baidu, Zhipu, Ali, Gemini, Ollama …) lists that adaptor's models; the OpenAI-compatible family, whose one
 * adaptor serves many vendors, keeps the per-vendor lists of {@link BuiltInModels}.
 */
public final class RegistryModelCatalog implements ModelCatalog {
  private final Map<Integer, List<String>> byType;

  public RegistryModelCatalog(ProviderRegistry registry, ModelCatalog fallback) {
    Map<Integer, List<String>> merged = new TreeMap<>(fallback.byType());
    for (int type : registry.types()) {
      ProviderAdaptor adaptor = registry.adaptor(type).orElseThrow();
      if (isOwnDialect(adaptor) && !adaptor.defaultModels().isEmpty()) {
        merged.put(type, List.copyOf(adaptor.defaultModels()));
      }
    }
    this.byType = Map.copyOf(merged);
  }

  private static boolean isOwnDialect(ProviderAdaptor adaptor) {
    return !(adaptor instanceof io.onegate.providers.openai.OpenAiAdaptor)
        && !(adaptor instanceof io.onegate.providers.openai.AzureAdaptor);
  }

  @Override
  public Map<Integer, List<String>> byType() {
    return byType;
  }
}
