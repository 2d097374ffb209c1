package io.onegate.gateway.relay;

import io.onegate.common.pricing.PriceBook;
import io.onegate.providers.spi.Endpoint;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * One API's billing math per endpoint (§4.1-4.3) on top of {@link PriceBook}: what to reserve at admission and
 * what to charge at settlement. Pure.
 *
 * <ul>
 *   <li>Text (chat, completions, embeddings, moderations, rerank): reserve {@code PriceBook.preConsume}; charge
 *   {@code PriceBook.textQuota} of the final usage.</li>
 *   <li>Images: {@code int(modelRatio × groupRatio × sizeRatio × 1000) × n} (dall-e-3 hd ×2 at 1024², ×1.5
 *   otherwise), reserved and charged in full on success.</li>
 *   <li>Speech: {@code input bytes × modelRatio × groupRatio}, reserved and charged in full.</li>
 *   <li>Transcription/translation: reserve {@code PreConsumedQuota × ratio}; charge the transcript's tokens ×
 *   modelRatio × groupRatio (One API drops the ratio here; OneGate applies it).</li>
 * </ul>
 */
public final class Charges {
  private final PriceBook prices;
  private final long preConsumedQuota;

  public Charges(PriceBook prices, long preConsumedQuota) {
    this.prices = prices;
    this.preConsumedQuota = preConsumedQuota;
  }

  static Charges of(io.onegate.gateway.state.Snapshot snapshot) {
    return new Charges(snapshot.prices(), snapshot.options().longValue("PreConsumedQuota"));
  }

  public long reserve(Endpoint endpoint, PriceBook.Price price, JsonObject body, long promptEstimate,
                      long maxTokens) {
    return switch (endpoint) {
      case IMAGES_GENERATIONS -> image(price, body);
      case AUDIO_SPEECH -> speech(price, body);
      case AUDIO_TRANSCRIPTIONS, AUDIO_TRANSLATIONS -> ratioQuota(price, preConsumedQuota);
      default -> prices.preConsume(price, promptEstimate, maxTokens);
    };
  }

  /** The charge of a completed exchange with the given token counts. */
  public long charge(Endpoint endpoint, PriceBook.Price price, JsonObject body, long promptTokens,
                     long completionTokens) {
    return switch (endpoint) {
      case IMAGES_GENERATIONS -> image(price, body);
      case AUDIO_SPEECH -> speech(price, body);
      case AUDIO_TRANSCRIPTIONS, AUDIO_TRANSLATIONS -> ratioQuota(price, promptTokens + completionTokens);
      default -> prices.textQuota(price, promptTokens, completionTokens);
    };
  }

  private long ratioQuota(PriceBook.Price price, long units) {
    if (price.perCall()) {
      return prices.textQuota(price, 1, 0);
    }
    return (long) Math.ceil(units * price.modelRatio() * price.groupRatio());
  }

  private long speech(PriceBook.Price price, JsonObject body) {
    String input = body == null || !(body.getValue("input") instanceof String s) ? "" : s;
    return ratioQuota(price, input.getBytes(StandardCharsets.UTF_8).length);
  }

  private long image(PriceBook.Price price, JsonObject body) {
    int n = body != null && body.getValue("n") instanceof Number num ? Math.max(1, num.intValue()) : 1;
    if (price.perCall()) {
      return prices.textQuota(price, 1, 0) * n;
    }
    String model = body == null ? "dall-e-2" : body.getString("model", "dall-e-2");
    String size = body == null ? "1024x1024" : String.valueOf(body.getValue("size", "1024x1024"));
    boolean hd = body != null && "hd".equals(body.getValue("quality"));
    double sizeRatio = sizeRatio(model, size);
    if (hd && "dall-e-3".equals(model)) {
      sizeRatio *= "1024x1024".equals(size) ? 2 : 1.5;
    }
    return (long) (price.modelRatio() * price.groupRatio() * sizeRatio * 1000) * n;
  }

  static double sizeRatio(String model, String size) {
    if ("dall-e-2".equals(model)) {
      return switch (size) {
        case "256x256" -> 1;
        case "512x512" -> 1.125;
        default -> 1.25;
      };
    }
    if ("dall-e-3".equals(model)) {
      return "1024x1792".equals(size) || "1792x1024".equals(size) ? 2 : 1;
    }
    return 1;
  }
}
