package io.onegate.common.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.options.Options;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * One API's charges reproduced from its formulas and worked examples (reference one-api.md §4), with OneGate's
 * fixes (Q6 audio, Q7 is in the ledger, Q10 unknown model/group) and per-1M / per-call prices.
 */
class PriceBookTest {
  private static final PriceBook DEFAULTS = PriceBook.from(Options.defaults());
  private static final PriceBook CUSTOM = PriceBook.from(Options.of(Map.of(
      "GroupRatio", "{\"default\":1,\"vip\":0.5,\"svip\":2}",
      "ModelRatio", "{\"my-model\":2,\"gpt-4o(3)\":1.5}",
      "CompletionRatio", "{\"my-model\":1.5}",
      "ModelPrice", "{\"per-million\":{\"input\":3,\"output\":15},\"flux-pro\":0.05,"
          + "\"my-whisper\":{\"per_second\":0.0002},\"my-tts\":{\"per_million_characters\":30}}")));

  /** quota = ceil((prompt + completion × completion_ratio) × model_ratio × group_ratio), 0 for no tokens. */
  @ParameterizedTest(name = "{0} {1} p={2} c={3} -> {4}")
  @CsvSource({
      // model, group, prompt, completion, expected quota  (model ratio, completion ratio)
      "gpt-3.5-turbo, default, 1000, 500, 625",          // 0.25, 3   : (1000 + 1500) × 0.25
      "gpt-3.5-turbo-1106, default, 1000, 500, 1000",    // 0.5, 2    : (1000 + 1000) × 0.5
      "gpt-3.5-turbo-16k, default, 300, 300, 1050",      // 1.5, 4/3  : (300 + 400) × 1.5
      "gpt-4, default, 100, 50, 3000",                   // 15, 2     : (100 + 100) × 15
      "gpt-4-turbo, default, 1000, 1000, 20000",         // 5, 3      : (1000 + 3000) × 5
      "gpt-4o, default, 1000, 1000, 6250",               // 1.25, 4   : (1000 + 4000) × 1.25
      "gpt-4o-mini, default, 10, 0, 1",                  // 0.075 × 10 = 0.75 -> ceil 1
      "gpt-4o-mini, default, 1, 0, 1",                   // 0.075 -> at least 1 when the ratio is not 0
      "gpt-4o-mini, default, 0, 0, 0",                   // no tokens: charge 0
      "claude-3-haiku-20240307, default, 1000, 1000, 750",   // 0.125, 5
      "claude-3-5-sonnet-20241022, default, 1000, 200, 3000", // 1.5, 5 : (1000 + 1000) × 1.5
      "deepseek-chat, default, 1000, 1000, 405",         // 0.135, 2
      "deepseek-reasoner, default, 1000, 1000, 1370",    // 0.275, 3.98 : 4980 × 0.275 = 1369.5
      "gemini-1.5-pro, default, 1000, 1000, 5000",       // 1.25, 3
      "glm-4-flash, default, 1000, 1000, 0",             // ratio 0: free, not bumped to 1
      "qwen-turbo-internet, default, 1000, 0, 86",       // suffix stripped: qwen-turbo 0.0857
      "gpt-3.5-turbo, vip, 1000, 500, 313",              // group 0.5: 312.5 -> 313
      "gpt-3.5-turbo, svip, 1000, 500, 1250",            // group 2
      "my-model, default, 100, 100, 500"                 // custom ratio 2, custom completion 1.5
  })
  void textCharges(String model, String group, long prompt, long completion, long expected) {
    PriceBook book = group.equals("default") && !model.startsWith("my-") ? DEFAULTS : CUSTOM;
    PriceBook.Price price = book.price(model, 1, group).orElseThrow();
    assertThat(book.textQuota(price, prompt, completion)).isEqualTo(expected);
  }

  @Test
  void channelTypeSpecificRatioWinsOverThePlainName() {
    assertThat(CUSTOM.price("gpt-4o", 3, "default").orElseThrow().modelRatio()).isEqualTo(1.5);
    assertThat(CUSTOM.price("gpt-4o", 1, "default").orElseThrow().modelRatio()).isEqualTo(1.25);
  }

  @Test
  void preConsumeIsPreConsumedQuotaPlusPromptPlusMaxTokensTimesRatio() {
    PriceBook.Price price = DEFAULTS.price("gpt-3.5-turbo", 1, "default").orElseThrow();
    assertThat(DEFAULTS.preConsume(price, 100, 200)).isEqualTo(200); // (500 + 100 + 200) × 0.25
  }

  @Test
  void perMillionAndPerCallPrices() {
    PriceBook.Price perMillion = CUSTOM.price("per-million", 1, "default").orElseThrow();
    // (1000 × $3 + 1000 × $15) / 1M = $0.018 = 9000 quota at 500000 per $
    assertThat(CUSTOM.textQuota(perMillion, 1000, 1000)).isEqualTo(9000);
    assertThat(CUSTOM.textQuota(CUSTOM.price("per-million", 1, "vip").orElseThrow(), 1000, 1000)).isEqualTo(4500);
    PriceBook.Price perCall = CUSTOM.price("flux-pro", 1, "default").orElseThrow();
    assertThat(CUSTOM.textQuota(perCall, 0, 0)).isEqualTo(25_000); // $0.05
    assertThat(CUSTOM.imageQuota(perCall, "flux-pro", "1024x1024", "", 2)).hasValue(50_000);
  }

  /** int(model_ratio × group_ratio × size_ratio × 1000) × n; dall-e-3 hd ×2 at 1024x1024, ×1.5 otherwise. */
  @ParameterizedTest(name = "{0} {1} {2} n={3} -> {4}")
  @CsvSource({
      "dall-e-3, 1024x1024, standard, 1, 20000",  // $0.04
      "dall-e-3, 1024x1024, hd, 1, 40000",        // $0.08
      "dall-e-3, 1792x1024, standard, 1, 40000",  // $0.08
      "dall-e-3, 1024x1792, hd, 1, 60000",        // $0.12
      "dall-e-2, 256x256, standard, 1, 8000",     // $0.016
      "dall-e-2, 512x512, standard, 2, 18000",    // 2 × $0.018
      "dall-e-2, 1024x1024, standard, 10, 100000" // 10 × $0.02
  })
  void imageCharges(String model, String size, String quality, int n, long expected) {
    PriceBook.Price price = DEFAULTS.price(model, 1, "default").orElseThrow();
    assertThat(DEFAULTS.imageQuota(price, model, size, quality, n)).hasValue(expected);
  }

  @Test
  void imageSizeAndCountOutsideTheModelsLimitsAreRefused() {
    PriceBook.Price d3 = DEFAULTS.price("dall-e-3", 1, "default").orElseThrow();
    assertThat(DEFAULTS.imageQuota(d3, "dall-e-3", "256x256", "standard", 1)).isEmpty();
    assertThat(DEFAULTS.imageQuota(d3, "dall-e-3", "1024x1024", "standard", 2)).isEmpty();
    PriceBook.Price d2 = DEFAULTS.price("dall-e-2", 1, "default").orElseThrow();
    assertThat(DEFAULTS.imageQuota(d2, "dall-e-2", "1024x1024", "standard", 11)).isEmpty();
  }

  @Test
  void speechIsChargedPerCharacterNotPerByte() {
    PriceBook.Price tts = DEFAULTS.price("tts-1", 1, "default").orElseThrow();
    assertThat(DEFAULTS.speechQuota(tts, "hello")).isEqualTo(37);        // 5 × 7.5, One API's int()
    assertThat(DEFAULTS.speechQuota(tts, "你好")).isEqualTo(15);          // One API: 6 bytes × 7.5 = 45
    assertThat(DEFAULTS.speechQuota(DEFAULTS.price("tts-1-hd", 1, "default").orElseThrow(), "你好")).isEqualTo(30);
    PriceBook.Price perChar = CUSTOM.price("my-tts", 1, "default").orElseThrow();
    assertThat(CUSTOM.speechQuota(perChar, "x".repeat(1000))).isEqualTo(15_000); // 1000 × $30/1M = $0.03
  }

  @Test
  void transcriptionIsChargedPerSecondOfAudio() {
    PriceBook.Price whisper = DEFAULTS.price("whisper-1", 1, "default").orElseThrow();
    assertThat(DEFAULTS.transcriptionQuota(whisper, "whisper-1", 60)).hasValue(3000); // $0.006 per minute
    assertThat(DEFAULTS.transcriptionQuota(whisper, "whisper-1", 0.5)).hasValue(25);
    PriceBook.Price custom = CUSTOM.price("my-whisper", 1, "vip").orElseThrow();
    assertThat(CUSTOM.transcriptionQuota(custom, "my-whisper", 10)).hasValue(500); // 10 × $0.0002 × 0.5
    PriceBook.Price tokenOnly = DEFAULTS.price("gpt-4o", 1, "default").orElseThrow();
    assertThat(DEFAULTS.transcriptionQuota(tokenOnly, "gpt-4o", 10)).isEqualTo(OptionalLong.empty());
  }

  @Test
  void embeddingsUseTheirRatioOnInputTokens() {
    PriceBook.Price small = DEFAULTS.price("text-embedding-3-small", 1, "default").orElseThrow();
    assertThat(DEFAULTS.embeddingQuota(small, 1000)).isEqualTo(10);      // 0.01 × 1000
    PriceBook.Price ada = DEFAULTS.price("text-embedding-ada-002", 1, "default").orElseThrow();
    assertThat(DEFAULTS.embeddingQuota(ada, 1000)).isEqualTo(50);
    assertThat(DEFAULTS.embeddingQuota(ada, 0)).isZero();                // no usage from upstream: 0
  }

  @Test
  void unknownModelAndUnknownGroupAreNotPriced() {
    assertThat(DEFAULTS.price("no-such-model", 1, "default")).isEmpty();   // One API: ratio 30
    assertThat(DEFAULTS.price("gpt-4o", 1, "no-such-group")).isEmpty();   // One API: group ratio 1
    assertThat(PriceBook.from(Options.of(Map.of("GroupRatio", "not json"))).price("gpt-4o", 1, "vip"))
        .isPresent(); // a malformed option falls back to the defaults instead of refusing everything
  }

  @Test
  void selfUseModeServesUnpricedModelsFreeAndSaysSo() {
    PriceBook selfUse = PriceBook.from(Options.of(Map.of("SelfUseModeEnabled", "true",
        "GroupRatio", "{\"default\":1,\"vip\":0.5}")));
    PriceBook.Price free = selfUse.price("my-local-llm", 1, "vip").orElseThrow();
    assertThat(free.free()).isTrue();
    assertThat(selfUse.preConsume(free, 1000, 1000)).isZero();
    assertThat(selfUse.textQuota(free, 1000, 1000)).isZero();
    assertThat(selfUse.speechQuota(free, "hello")).isZero();
    assertThat(selfUse.imageQuota(free, "my-local-llm", "1024x1024", "", 1)).hasValue(0);
    assertThat(selfUse.transcriptionQuota(free, "my-local-llm", 60)).hasValue(0);
    assertThat(PriceBook.logContent(free)).contains("unpriced").contains("SelfUseModeEnabled");
    // priced models keep their price; unknown groups are still refused
    assertThat(selfUse.price("gpt-4o", 1, "default").orElseThrow().free()).isFalse();
    assertThat(selfUse.price("my-local-llm", 1, "no-such-group")).isEmpty();
    assertThat(DEFAULTS.price("my-local-llm", 1, "default")).as("off by default").isEmpty();
  }

  @Test
  void optionsOverrideAndExtendTheDefaultsAtRunTime() {
    PriceBook changed = PriceBook.from(Options.of(Map.of("ModelRatio", "{\"gpt-4o\":2}", "QuotaPerUnit", "1000000",
        "ModelPrice", "{\"gpt-4o-mini\":{\"input\":1,\"output\":1}}")));
    assertThat(changed.textQuota(changed.price("gpt-4o", 1, "default").orElseThrow(), 100, 0)).isEqualTo(200);
    // per-1M price wins over the ratio; QuotaPerUnit 1e6: 1M tokens × $1/1M = $1 = 1,000,000 quota
    assertThat(changed.textQuota(changed.price("gpt-4o-mini", 1, "default").orElseThrow(), 1_000_000, 0))
        .isEqualTo(1_000_000);
  }
}
