package io.onegate.common.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.onegate.common.options.Options;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The JSON pricing options as maps: the map in effect is what {@link PriceBook} prices with (and what
 * {@code GET /api/option/} shows), bad maps are refused with a message, and an edited ratio table is stored as what
 * differs from the built-ins.
 */
class PriceTablesTest {
  private static final Options CUSTOM = Options.of(Map.of(
      "ModelRatio", "{\"my-model\":2,\"gpt-4\":20}",
      "CompletionRatio", "{\"my-model\":1.5}",
      "GroupRatio", "{\"default\":1,\"vip\":0.5}",
      "ModelPrice", "{\"flux\":0.05,\"per-m\":{\"input\":3,\"output\":15,\"junk\":\"x\"},\"bad\":\"free\"}"));

  @Test
  void theEffectiveMapsAreWhatThePriceBookPricesWith() {
    PriceBook book = PriceBook.from(CUSTOM);
    JsonObject ratios = PriceTables.effective("ModelRatio", CUSTOM);
    assertThat(ratios.getDouble("gpt-4")).as("the option overrides the built-in 15").isEqualTo(20.0);
    assertThat(ratios.getDouble("gpt-3.5-turbo")).as("built-in").isEqualTo(0.25);
    assertThat(ratios.getDouble("my-model")).isEqualTo(2.0);
    ratios.forEach(e -> assertThat(book.price(e.getKey(), 1, "default").orElseThrow().modelRatio()).as(e.getKey())
        .isEqualTo(((Number) e.getValue()).doubleValue()));
    PriceTables.effective("CompletionRatio", CUSTOM).forEach(e -> assertThat(book.price(e.getKey(), 1, "vip")
        .orElseThrow().completionRatio()).as(e.getKey()).isEqualTo(((Number) e.getValue()).doubleValue()));
    assertThat(PriceTables.effective("GroupRatio", CUSTOM).getMap()).containsOnlyKeys("default", "vip");
    assertThat(book.knowsGroup("svip")).isFalse();
    JsonObject prices = PriceTables.effective("ModelPrice", CUSTOM);
    assertThat(prices.fieldNames()).as("entries the relay cannot use are not shown").containsOnly("flux", "per-m");
    assertThat(prices.getJsonObject("per-m").getMap()).containsOnlyKeys("input", "output");
    assertThat(book.price("flux", 1, "default").orElseThrow().modelPrice().perCall()).isEqualTo(0.05);
    assertThat(book.priced("bad", 1)).isFalse();
  }

  @Test
  void blankOrMalformedStoredValuesMeanTheDefaults() {
    Options empty = Options.of(Map.of("ModelRatio", "", "CompletionRatio", "not json", "GroupRatio", "{}"));
    assertThat(PriceTables.effective("ModelRatio", empty)).isEqualTo(PriceTables.effective("ModelRatio",
        Options.defaults()));
    assertThat(PriceTables.effective("CompletionRatio", empty).getDouble("deepseek-chat")).isEqualTo(2.0);
    assertThat(PriceTables.effective("GroupRatio", empty).getMap()).containsOnlyKeys("default", "vip", "svip");
    assertThat(PriceTables.effective("ModelPrice", Options.defaults()).encode()).isEqualTo("{}");
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(delimiter = '|', value = {
      "ModelRatio      | {\"m\": -1}                  | non-negative numbers (bad entry: m)",
      "ModelRatio      | {\"m\": \"1\"}               | non-negative numbers",
      "ModelRatio      | [1]                          | JSON object",
      "CompletionRatio | {oops                        | JSON object",
      "GroupRatio      | {\"vip\": null}              | non-negative numbers",
      "ModelPrice      | {\"m\": {\"in\": 1}}         | unknown price field in",
      "ModelPrice      | {\"m\": {}}                  | names no field",
      "ModelPrice      | {\"m\": {\"input\": -3}}     | bad entry: m.input",
      "ModelPrice      | {\"m\": [0.1]}               | non-negative numbers"})
  void mapsThatWouldBreakPricingAreRefused(String key, String value, String message) {
    assertThatThrownBy(() -> PriceTables.parse(key, value)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void ratioTablesStoreOnlyWhatDiffersFromTheBuiltIns() {
    JsonObject page = PriceTables.effective("ModelRatio", Options.defaults()).put("gpt-4", 16).put("mine", 0.5);
    assertThat(PriceTables.storedForm("ModelRatio", PriceTables.parse("ModelRatio", page.encodePrettily())))
        .isEqualTo("{\"gpt-4\":16,\"mine\":0.5}");
    assertThat(PriceTables.storedForm("ModelRatio", PriceTables.parse("ModelRatio",
        PriceTables.effective("ModelRatio", Options.defaults()).encode()))).as("unchanged page").isEqualTo("{}");
    assertThat(PriceTables.storedForm("CompletionRatio", PriceTables.parse("CompletionRatio",
        "{\"deepseek-chat\":2,\"x\":1}"))).isEqualTo("{\"x\":1}");
    assertThat(PriceTables.storedForm("GroupRatio", PriceTables.parse("GroupRatio", "{\"vip\":1,\"default\":1}")))
        .as("stored whole, sorted").isEqualTo("{\"default\":1,\"vip\":1}");
    assertThat(PriceTables.parse("ModelPrice", " ").isEmpty()).isTrue();
  }
}
