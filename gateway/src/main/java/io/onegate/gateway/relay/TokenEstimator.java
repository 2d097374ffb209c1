package io.onegate.gateway.relay;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import io.onegate.providers.spi.Endpoint;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Local token counts with jtokkit (bundled encodings, no network): o200k for gpt-4o/4.1/o-series, cl100k
 * otherwise. Prompt estimates follow One API (§1.5): chat = 3 per message + role + text parts (+1 per name) + 3;
 * images 85 (detail low) or 765 (a 1024² image at high detail; images are never downloaded); completions,
 * moderations and embeddings count their text input; rerank counts query and documents. Thread-safe; build once
 * at start-up (loading the encodings takes a few hundred ms).
 */
public final class TokenEstimator {
  private static final int IMAGE_LOW = 85;
  private static final int IMAGE_HIGH = 765;
  private final Encoding cl100k;
  private final Encoding o200k;

  public TokenEstimator() {
    var registry = Encodings.newLazyEncodingRegistry();
    this.cl100k = registry.getEncoding(EncodingType.CL100K_BASE);
    this.o200k = registry.getEncoding(EncodingType.O200K_BASE);
  }

  Encoding encodingFor(String model) {
    if (model.startsWith("gpt-4o") || model.startsWith("gpt-4.1") || model.startsWith("o1")
        || model.startsWith("o3") || model.startsWith("o4") || model.startsWith("chatgpt-4o")) {
      return o200k;
    }
    return cl100k;
  }

  public long count(String model, CharSequence text) {
    return text == null || text.length() == 0 ? 0 : encodingFor(model).countTokensOrdinary(text.toString());
  }

  /** The prompt estimate of a JSON request (0 for multipart and unknown shapes). */
  public long prompt(Endpoint endpoint, String model, JsonObject body) {
    if (body == null) {
      return 0;
    }
    Encoding enc = encodingFor(model);
    return switch (endpoint) {
      case CHAT_COMPLETIONS -> chat(enc, body.getValue("messages"));
      case COMPLETIONS -> text(enc, body.getValue("prompt"));
      case EMBEDDINGS, MODERATIONS -> text(enc, body.getValue("input"));
      case RERANK -> text(enc, body.getValue("query")) + text(enc, body.getValue("documents"));
      default -> 0;
    };
  }

  private long chat(Encoding enc, Object messages) {
    if (!(messages instanceof JsonArray list)) {
      return 0;
    }
    long tokens = 3;
    for (Object m : list) {
      if (!(m instanceof JsonObject message)) {
        continue;
      }
      tokens += 3;
      tokens += text(enc, message.getValue("role"));
      if (message.getValue("name") instanceof String name) {
        tokens += 1 + enc.countTokensOrdinary(name);
      }
      Object content = message.getValue("content");
      if (content instanceof JsonArray parts) {
        for (Object p : parts) {
          if (p instanceof JsonObject part) {
            tokens += part(enc, part);
          }
        }
      } else {
        tokens += text(enc, content);
      }
    }
    return tokens;
  }

  private long part(Encoding enc, JsonObject part) {
    if ("image_url".equals(part.getValue("type"))) {
      Object image = part.getValue("image_url");
      boolean low = image instanceof JsonObject i && "low".equals(i.getValue("detail"));
      return low ? IMAGE_LOW : IMAGE_HIGH;
    }
    return text(enc, part.getValue("text"));
  }

  /** Tokens of a string, or of every string (recursively, e.g. string arrays and {"text":…} documents). */
  private long text(Encoding enc, Object value) {
    if (value instanceof String s) {
      return s.isEmpty() ? 0 : enc.countTokensOrdinary(s);
    }
    if (value instanceof JsonArray array) {
      long sum = 0;
      for (Object o : array) {
        sum += text(enc, o);
      }
      return sum;
    }
    if (value instanceof JsonObject o) {
      return text(enc, o.getValue("text"));
    }
    return 0;
  }
}
