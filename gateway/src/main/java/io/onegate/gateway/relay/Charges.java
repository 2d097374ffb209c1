package io.onegate.gateway.relay;

import io.onegate.common.pricing.PriceBook;
import io.onegate.providers.spi.Endpoint;
import io.onegate.providers.spi.Usage;
import io.vertx.core.json.JsonObject;
import java.util.OptionalLong;

/**
 * Which {@link PriceBook} charge applies to an endpoint, and with which inputs; every amount is the PriceBook's.
 * Pure.
 *
 * <table>
 *   <caption>endpoint → reserved at admission / charged at settlement</caption>
 *   <tr><td>chat, completions</td><td>{@code preConsume(prompt estimate, max_tokens)}</td>
 *       <td>{@code textQuota(prompt, completion)}</td></tr>
 *   <tr><td>embeddings, moderations, rerank</td><td>{@code preConsume(prompt estimate, 0)}</td>
 *       <td>{@code embeddingQuota(prompt)}</td></tr>
 *   <tr><td>images</td><td colspan="2">{@code imageQuota(model, size, quality, n)}: a size or n the model does not
 *       allow is refused (400)</td></tr>
 *   <tr><td>speech</td><td colspan="2">{@code speechQuota(input)}: per character</td></tr>
 *   <tr><td>transcription, translation</td><td>{@code transcriptionQuota(seconds)} of the uploaded file's header
 *       (else {@link #UNKNOWN_AUDIO_SECONDS}); a model without a per-second price is refused (400)</td>
 *       <td>{@code transcriptionQuota(seconds)}: the seconds the upstream reported, else the file header's, else
 *       {@link #UNKNOWN_AUDIO_SECONDS}</td></tr>
 * </table>
 *
 * <p>{@code pricedModel} is the model sent upstream (after the channel's mapping); it keys the image size table
 * and the built-in per-second prices.
 */
final class Charges {
  /** The seconds assumed for audio whose duration neither the upstream nor the file's header tells. */
  static final double UNKNOWN_AUDIO_SECONDS = 60;

  private final PriceBook prices;

  Charges(PriceBook prices) {
    this.prices = prices;
  }

  /** What admission reserves; throws a {@link Refusal} when the request cannot be priced. */
  long reserve(RelayRequest request, PriceBook.Price price, String pricedModel, long promptEstimate) {
    JsonObject body = request.body().json();
    return switch (request.endpoint()) {
      case CHAT_COMPLETIONS, COMPLETIONS -> prices.preConsume(price, promptEstimate, request.maxTokens());
      case EMBEDDINGS, MODERATIONS, RERANK -> prices.preConsume(price, promptEstimate, 0);
      case IMAGES_GENERATIONS -> image(price, pricedModel, body).orElseThrow(() -> new Refusal(
          GatewayError.INVALID_REQUEST, "size " + text(body, "size", "1024x1024") + " with n=" + count(body)
              + " is not supported by model " + pricedModel));
      case AUDIO_SPEECH -> prices.speechQuota(price, text(body, "input", ""));
      case AUDIO_TRANSCRIPTIONS, AUDIO_TRANSLATIONS -> prices.transcriptionQuota(price, pricedModel,
              request.audioSeconds() > 0 ? request.audioSeconds() : UNKNOWN_AUDIO_SECONDS)
          .orElseThrow(() -> new Refusal(GatewayError.AUDIO_NOT_PRICED, pricedModel));
    };
  }

  /** The charge of an exchange that delivered {@code usage} (reported by the upstream or estimated). */
  long charge(RelayRequest request, PriceBook.Price price, String pricedModel, Usage usage) {
    JsonObject body = request.body().json();
    return switch (request.endpoint()) {
      case CHAT_COMPLETIONS, COMPLETIONS -> prices.textQuota(price, usage.promptTokens(), usage.completionTokens());
      case EMBEDDINGS, MODERATIONS, RERANK -> prices.embeddingQuota(price, usage.promptTokens());
      case IMAGES_GENERATIONS -> image(price, pricedModel, body).orElse(0);
      case AUDIO_SPEECH -> prices.speechQuota(price, text(body, "input", ""));
      case AUDIO_TRANSCRIPTIONS, AUDIO_TRANSLATIONS -> prices.transcriptionQuota(price, pricedModel,
          usage.audioSeconds() > 0 ? usage.audioSeconds()
              : request.audioSeconds() > 0 ? request.audioSeconds() : UNKNOWN_AUDIO_SECONDS).orElse(0);
    };
  }

  private OptionalLong image(PriceBook.Price price, String model, JsonObject body) {
    return prices.imageQuota(price, model, text(body, "size", ""), text(body, "quality", ""), count(body));
  }

  /** The image count {@code n}, 1 when absent. */
  private static int count(JsonObject body) {
    return body != null && body.getValue("n") instanceof Number n ? n.intValue() : 1;
  }

  private static String text(JsonObject body, String field, String fallback) {
    return body != null && body.getValue(field) instanceof String s ? s : fallback;
  }
}
