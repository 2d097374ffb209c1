package io.onegate.providers.openai;

import io.onegate.providers.spi.Endpoint;

/**
 * How an OpenAI-compatible channel type turns the client's {@code /v1/...} path into the upstream URL (One API's
 * per-type rules, one-api.md §2.4). Pure; {@code base} has no trailing slash.
 */
public enum UrlRule {
  /** {@code base + /v1/...} (OpenAI and most proxies). Cloudflare AI Gateway bases already end in the version. */
  V1 {
    @Override
    String url(String base, Endpoint endpoint) {
      if (base.contains("gateway.ai.cloudflare.com")) {
        return base + withoutV1(endpoint);
      }
      return base + endpoint.path();
    }
  },
  /** Types 50 and 51: the base URL includes the version; the path loses its {@code /v1}. */
  VERSIONED_BASE {
    @Override
    String url(String base, Endpoint endpoint) {
      return base + withoutV1(endpoint);
    }
  },
  /** Type 40 Doubao (Volcengine Ark): {@code base + /api/v3/...}. */
  DOUBAO {
    @Override
    String url(String base, Endpoint endpoint) {
      return base + "/api/v3" + withoutV1(endpoint);
    }
  },
  /** Type 47 Baidu Qianfan v2: {@code base + /v2/...}. */
  QIANFAN_V2 {
    @Override
    String url(String base, Endpoint endpoint) {
      return base + "/v2" + withoutV1(endpoint);
    }
  },
  /** Type 49 Ali Bailian: {@code base + /compatible-mode/v1/...}. */
  BAILIAN {
    @Override
    String url(String base, Endpoint endpoint) {
      return base + "/compatible-mode" + endpoint.path();
    }
  },
  /** Type 41 Novita: the base ends in {@code /v3/openai}; {@code base + /chat/completions}. */
  NOVITA {
    @Override
    String url(String base, Endpoint endpoint) {
      return base + withoutV1(endpoint);
    }
  },
  /** Type 27 MiniMax: chat at {@code /v1/text/chatcompletion_v2}. */
  MINIMAX {
    @Override
    String url(String base, Endpoint endpoint) {
      return endpoint == Endpoint.CHAT_COMPLETIONS ? base + "/v1/text/chatcompletion_v2" : base + endpoint.path();
    }
  };

  abstract String url(String base, Endpoint endpoint);

  static String withoutV1(Endpoint endpoint) {
    return endpoint.path().substring(3); // "/v1/chat/completions" -> "/chat/completions"
  }
}
