package io.onegate.gateway.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.onegate.common.options.Options;
import io.onegate.common.pricing.PriceBook;
import io.onegate.providers.spi.ClientRequest;
import io.onegate.providers.spi.Endpoint;
import io.onegate.providers.spi.Usage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which PriceBook charge each endpoint gets, with which inputs: reserved at admission and charged at settlement.
 * Amounts are worked out by hand from One API's ratios (docs/billing.md §4).
 */
class ChargesTest {
  private static final PriceBook BOOK = PriceBook.from(Options.of(Map.of(
      "ModelRatio", "{\"rerank-model\":0.1,\"my-asr\":2}",
      "ModelPrice", "{\"flux-pro\":0.05}")));
  private static final Charges CHARGES = new Charges(BOOK);

  private static RelayRequest request(Endpoint endpoint, String body, long maxTokens, double headerSeconds) {
    JsonObject json = body.isEmpty() ? null : new JsonObject(body);
    return new RelayRequest(endpoint, json == null ? "whisper-1" : json.getString("model"), false, maxTokens,
        new ClientRequest(Buffer.buffer(body), "application/json", json), headerSeconds);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', value = {
      // endpoint | model | body | prompt estimate | max_tokens | header s | usage p | usage c | usage s | reserve | charge
      // chat: (500 + 100 + 200) × 0.25 = 200 reserved; (1000 + 500 × 3) × 0.25 = 625
      "CHAT_COMPLETIONS | gpt-3.5-turbo | {\"model\":\"gpt-3.5-turbo\"} | 100 | 200 | 0 | 1000 | 500 | 0 | 200 | 625",
      // completions: (500 + 20) × 0.75 = 390; ceil((30 + 60 × 4/3) × 0.75) = 83
      "COMPLETIONS | gpt-3.5-turbo-instruct | {\"model\":\"gpt-3.5-turbo-instruct\"} | 20 | 0 | 0 | 30 | 60 | 0 | 390 | 83",
      // embeddings: int((500 + 8) × 0.01) = 5; input tokens only: 1000 × 0.01 = 10
      "EMBEDDINGS | text-embedding-3-small | {\"model\":\"text-embedding-3-small\"} | 8 | 0 | 0 | 1000 | 0 | 0 | 5 | 10",
      // moderations: int((500 + 20) × 0.1) = 52; 20 × 0.1 = 2
      "MODERATIONS | text-moderation-stable | {\"model\":\"text-moderation-stable\"} | 20 | 0 | 0 | 20 | 0 | 0 | 52 | 2",
      // rerank: the ratio on the input tokens: 120 × 0.1 = 12
      "RERANK | rerank-model | {\"model\":\"rerank-model\"} | 30 | 0 | 0 | 120 | 0 | 0 | 53 | 12",
      // images: int(20 × 2 (1792x1024) × 1.5 (hd) × 1000) = 60000, reserved and charged in full
      "IMAGES_GENERATIONS | dall-e-3 | {\"model\":\"dall-e-3\",\"size\":\"1792x1024\",\"quality\":\"hd\"} | 0 | 0 | 0 | 0 | 0 | 0 | 60000 | 60000",
      // images: int(8 × 1.125 (512x512) × 1000) × 2 = 18000
      "IMAGES_GENERATIONS | dall-e-2 | {\"model\":\"dall-e-2\",\"size\":\"512x512\",\"n\":2} | 0 | 0 | 0 | 0 | 0 | 0 | 18000 | 18000",
      // per-call price on images: $0.05 × 500000 × 2
      "IMAGES_GENERATIONS | flux-pro | {\"model\":\"flux-pro\",\"n\":2} | 0 | 0 | 0 | 0 | 0 | 0 | 50000 | 50000",
      // per-call price on chat: $0.05 × 500000, whatever the tokens
      "CHAT_COMPLETIONS | flux-pro | {\"model\":\"flux-pro\"} | 10 | 100 | 0 | 999 | 999 | 0 | 25000 | 25000",
      // speech: 8 characters (not 12 bytes) × 7.5 = 60
      "AUDIO_SPEECH | tts-1 | {\"model\":\"tts-1\",\"input\":\"你好 hello\"} | 0 | 0 | 0 | 0 | 0 | 0 | 60 | 60",
      // transcription: header 3 s reserved (3 × $0.0001 × 500000 = 150); the upstream reported 12.5 s: 625
      "AUDIO_TRANSCRIPTIONS | whisper-1 |  | 0 | 0 | 3 | 0 | 0 | 12.5 | 150 | 625",
      // transcription, nothing reported upstream: the header's 3 s
      "AUDIO_TRANSCRIPTIONS | whisper-1 |  | 0 | 0 | 3 | 14 | 0 | 0 | 150 | 150",
      // translation, neither header nor report: 60 s assumed = 3000
      "AUDIO_TRANSLATIONS | whisper-1 |  | 0 | 0 | 0 | 14 | 0 | 0 | 3000 | 3000"
  })
  void reservesAndChargesWithTheEndpointsPriceBookMethod(Endpoint endpoint, String model, String body,
                                                         long promptEstimate, long maxTokens, double headerSeconds,
                                                         long usagePrompt, long usageCompletion, double usageSeconds,
                                                         long reserve, long charge) {
    RelayRequest request = request(endpoint, body == null ? "" : body, maxTokens, headerSeconds);
    PriceBook.Price price = BOOK.price(model, 1, "default").orElseThrow();
    assertThat(CHARGES.reserve(request, price, model, promptEstimate)).as("reserved").isEqualTo(reserve);
    Usage usage = new Usage(usagePrompt, usageCompletion, Usage.Source.REPORTED, usageSeconds);
    assertThat(CHARGES.charge(request, price, model, usage)).as("charged").isEqualTo(charge);
  }

  @Test
  void imagesOutsideTheModelsSizesOrCountsAreRefused() {
    PriceBook.Price d3 = BOOK.price("dall-e-3", 1, "default").orElseThrow();
    assertThatThrownBy(() -> CHARGES.reserve(request(Endpoint.IMAGES_GENERATIONS,
        "{\"model\":\"dall-e-3\",\"n\":2}", 0, 0), d3, "dall-e-3", 0))
        .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.error()).isEqualTo(GatewayError.INVALID_REQUEST));
    assertThatThrownBy(() -> CHARGES.reserve(request(Endpoint.IMAGES_GENERATIONS,
        "{\"model\":\"dall-e-3\",\"size\":\"256x256\"}", 0, 0), d3, "dall-e-3", 0))
        .isInstanceOf(Refusal.class);
  }

  @Test
  void audioWithoutAPerSecondPriceIsRefusedNotGuessed() {
    PriceBook.Price ratioOnly = BOOK.price("my-asr", 1, "default").orElseThrow();
    assertThatThrownBy(() -> CHARGES.reserve(request(Endpoint.AUDIO_TRANSCRIPTIONS, "", 0, 5), ratioOnly, "my-asr",
        0)).isInstanceOfSatisfying(Refusal.class,
            r -> assertThat(r.error()).isEqualTo(GatewayError.AUDIO_NOT_PRICED));
  }

  @Test
  void anUnpricedModelServedInSelfUseModeCostsNothingAnywhere() {
    PriceBook selfUse = PriceBook.from(Options.of(Map.of("SelfUseModeEnabled", "true")));
    PriceBook.Price free = selfUse.price("my-local-llm", 1, "default").orElseThrow();
    Charges charges = new Charges(selfUse);
    Usage usage = new Usage(1000, 1000, Usage.Source.REPORTED, 30);
    for (Endpoint e : Endpoint.values()) {
      RelayRequest request = e == Endpoint.AUDIO_TRANSCRIPTIONS || e == Endpoint.AUDIO_TRANSLATIONS
          ? request(e, "", 0, 30) : request(e, "{\"model\":\"my-local-llm\",\"input\":\"hello\"}", 100, 0);
      assertThat(charges.reserve(request, free, "my-local-llm", 500)).as("%s reserved", e).isZero();
      assertThat(charges.charge(request, free, "my-local-llm", usage)).as("%s charged", e).isZero();
    }
  }
}
