package io.onegate.providers.baidu;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Model name → wenxinworkshop endpoint suffix (https://cloud.baidu.com/doc/WENXINWORKSHOP/s/clntwmv7t and the
 * per-model pages). Names are matched case-insensitively; unknown names are lower-cased, as One API does.
 */
final class BaiduModels {
  private static final Map<String, String> ENDPOINTS = Map.ofEntries(
      Map.entry("ernie-4.0-8k", "completions_pro"),
      Map.entry("ernie-bot-4", "completions_pro"),
      Map.entry("ernie-bot", "completions"),
      Map.entry("ernie-3.5-8k", "completions"),
      Map.entry("ernie-bot-turbo", "eb-instant"),
      Map.entry("ernie-lite-8k-0922", "eb-instant"),
      Map.entry("ernie-lite-8k-0308", "ernie-lite-8k"),
      Map.entry("ernie-speed", "ernie_speed"),
      Map.entry("ernie-speed-8k", "ernie_speed"),
      Map.entry("ernie-bot-8k", "ernie_bot_8k"),
      Map.entry("bloomz-7b", "bloomz_7b1"),
      Map.entry("embedding-v1", "embedding-v1"),
      Map.entry("bge-large-zh", "bge_large_zh"),
      Map.entry("bge-large-en", "bge_large_en"),
      Map.entry("tao-8k", "tao_8k"));

  static final List<String> DEFAULT_MODELS = List.of("ERNIE-4.0-Turbo-8K", "ERNIE-4.0-8K", "ERNIE-4.0-8K-Latest",
      "ERNIE-4.0-8K-Preview", "ERNIE-3.5-128K", "ERNIE-3.5-8K", "ERNIE-3.5-8K-Preview", "ERNIE-Speed-Pro-128K",
      "ERNIE-Novel-8K", "ERNIE-Speed-128K", "ERNIE-Speed-8K", "ERNIE-Lite-8K", "ERNIE-Tiny-8K",
      "ERNIE-Functions-8K", "ERNIE-Character-8K", "ERNIE-Lite-Pro-128K", "BLOOMZ-7B", "Embedding-V1",
      "bge-large-zh", "bge-large-en", "tao-8k");

  private BaiduModels() {
  }

  static String endpoint(String model) {
    String lower = model.toLowerCase(Locale.ROOT);
    return ENDPOINTS.getOrDefault(lower, lower);
  }
}
