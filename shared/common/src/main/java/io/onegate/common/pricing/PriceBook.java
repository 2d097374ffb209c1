package io.onegate.common.pricing;

import io.onegate.common.options.Options;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One API's pricing as data: quota units ({@code QuotaPerUnit} per USD), model ratio, completion ratio, group
 * ratio, plus OneGate's per-1M-token and per-call prices ({@code ModelPrice} option). Immutable; build one per
 * options snapshot. Pure and thread-safe.
 *
 * <p>Text: {@code quota = ceil((prompt + completion × completionRatio) × modelRatio × groupRatio)}; 0 when no
 * tokens were used; at least 1 when the ratio is not 0. With a ModelPrice entry:
 * {@code quota = ceil((prompt × input + completion × output) / 1e6 × QuotaPerUnit × groupRatio)}, or
 * {@code ceil(perCall × QuotaPerUnit × groupRatio)} for per-call prices. A model with neither a ratio nor a price
 * is not priced: the relay refuses it instead of charging One API's silent default ratio 30 (quirk Q10) — unless
 * the option {@code SelfUseModeEnabled} is on (New API's name): then it is served free ({@link Price#free}).
 *
 * <p>Every charge the relay makes is computed here: text, embeddings, per-1M-token and per-call prices, images by
 * model, size, quality and n, speech per character, transcription and translation per second of audio, and the
 * pre-consume estimate. The relay's {@code Charges} only chooses which of these applies to an endpoint.
 */
public final class PriceBook {
  private final Map<String, Double> modelRatio;
  private final Map<String, Double> completionRatio;
  private final Map<String, Double> groupRatio;
  private final Map<String, ModelPrice> modelPrice;
  private final double quotaPerUnit;
  private final long preConsumedQuota;
  private final boolean selfUse;

  /**
   * USD prices of one model: per 1M input and output tokens, or per call; for audio per second of input audio
   * (transcription) or per 1M characters of input text (speech). Option JSON: {@code {"model": {"input": 3,
   * "output": 15}}}, {@code {"model": 0.04}} (per call), {@code {"model": {"per_second": 0.0001}}},
   * {@code {"model": {"per_million_characters": 15}}}.
   */
  public record ModelPrice(double inputPerMillion, double outputPerMillion, double perCall, double perSecond,
                           double perMillionCharacters) {
    public ModelPrice(double inputPerMillion, double outputPerMillion, double perCall) {
      this(inputPerMillion, outputPerMillion, perCall, 0, 0);
    }
  }

  /**
   * The price of one model for one group.
   *
   * @param free the model has no price and {@code SelfUseModeEnabled} serves it anyway: every charge is 0
   */
  public record Price(double modelRatio, double completionRatio, double groupRatio, ModelPrice modelPrice,
                      boolean free) {
    public Price(double modelRatio, double completionRatio, double groupRatio, ModelPrice modelPrice) {
      this(modelRatio, completionRatio, groupRatio, modelPrice, false);
    }

    public boolean perCall() {
      return modelPrice != null && modelPrice.perCall() > 0;
    }
  }

  private PriceBook(Map<String, Double> modelRatio, Map<String, Double> completionRatio,
                    Map<String, Double> groupRatio, Map<String, ModelPrice> modelPrice, double quotaPerUnit,
                    long preConsumedQuota, boolean selfUse) {
    this.modelRatio = Map.copyOf(modelRatio);
    this.completionRatio = Map.copyOf(completionRatio);
    this.groupRatio = Map.copyOf(groupRatio);
    this.modelPrice = Map.copyOf(modelPrice);
    this.quotaPerUnit = quotaPerUnit;
    this.preConsumedQuota = preConsumedQuota;
    this.selfUse = selfUse;
  }

  public static PriceBook from(Options options) {
    Map<String, ModelPrice> prices = new HashMap<>();
    JsonObject priceJson = PriceTables.modelPrices(options);
    for (String model : priceJson.fieldNames()) {
      Object v = priceJson.getValue(model);
      if (v instanceof JsonObject p) {
        prices.put(model, new ModelPrice(num(p, "input"), num(p, "output"), num(p, "per_call"),
            num(p, "per_second"), num(p, "per_million_characters")));
      } else if (v instanceof Number n) {
        prices.put(model, new ModelPrice(0, 0, n.doubleValue()));
      }
    }
    return new PriceBook(PriceTables.modelRatios(options), PriceTables.completionRatios(options),
        PriceTables.groupRatios(options), prices, options.doubleValue("QuotaPerUnit"),
        options.longValue("PreConsumedQuota"), options.bool("SelfUseModeEnabled"));
  }

  /**
   * The price of {@code model} (the upstream model after mapping) for {@code group}; empty when the group is not
   * in {@code GroupRatio}, or the model has neither a ratio nor a price (One API silently uses group ratio 1 and
   * model ratio 30 there: quirk Q10) and {@code SelfUseModeEnabled} is off. The relay refuses an unpriced request;
   * with {@code SelfUseModeEnabled} an unpriced model gets a {@link Price#free} price.
   */
  public Optional<Price> price(String model, int channelType, String group) {
    if (!knowsGroup(group)) {
      return Optional.empty();
    }
    if (!priced(model, channelType)) {
      return selfUse ? Optional.of(new Price(0, 1, groupRatio(group), null, true)) : Optional.empty();
    }
    String name = stripInternetSuffix(model);
    ModelPrice explicit = modelPrice.get(name);
    Double ratio = modelRatio.get(name + "(" + channelType + ")");
    if (ratio == null) {
      ratio = modelRatio.get(name);
    }
    return Optional.of(new Price(ratio == null ? 0 : ratio, completionRatio(name), groupRatio(group), explicit));
  }

  /**
   * True when {@code model} (the upstream model after mapping) has a ratio (also {@code name(channelType)}) or a
   * {@code ModelPrice} entry; requests for other models are unpriced.
   */
  public boolean priced(String model, int channelType) {
    String name = stripInternetSuffix(model);
    return modelPrice.containsKey(name) || modelRatio.containsKey(name + "(" + channelType + ")")
        || modelRatio.containsKey(name);
  }

  /** True when {@code group} is defined in {@code GroupRatio}. */
  public boolean knowsGroup(String group) {
    return groupRatio.containsKey(group);
  }

  public double groupRatio(String group) {
    return groupRatio.getOrDefault(group, 1.0);
  }

  public double quotaPerUnit() {
    return quotaPerUnit;
  }

  /** One API's pre-consumed estimate: (PreConsumedQuota + promptEstimate + maxTokens) × modelRatio × groupRatio. */
  public long preConsume(Price price, long promptEstimate, long maxTokens) {
    if (price.free()) {
      return 0;
    }
    if (price.perCall()) {
      return perCallQuota(price);
    }
    if (price.modelPrice() != null) {
      return priced(price, preConsumedQuota + promptEstimate, maxTokens);
    }
    double tokens = preConsumedQuota + promptEstimate + Math.max(0, maxTokens);
    return (long) (tokens * price.modelRatio() * price.groupRatio());
  }

  /** The final charge of a text exchange. */
  public long textQuota(Price price, long promptTokens, long completionTokens) {
    if (price.free()) {
      return 0;
    }
    if (price.perCall()) {
      return perCallQuota(price);
    }
    if (promptTokens + completionTokens == 0) {
      return 0;
    }
    if (price.modelPrice() != null) {
      return priced(price, promptTokens, completionTokens);
    }
    double ratio = price.modelRatio() * price.groupRatio();
    long quota = (long) Math.ceil((promptTokens + completionTokens * price.completionRatio()) * ratio);
    return ratio != 0 && quota <= 0 ? 1 : quota;
  }

  /** Embeddings and moderations: the text formula on the input tokens alone (0 when the upstream gave no usage). */
  public long embeddingQuota(Price price, long promptTokens) {
    return textQuota(price, promptTokens, 0);
  }

  /**
   * Image generation, as One API: {@code int(modelRatio × groupRatio × sizeRatio × 1000) × n}, dall-e-3 {@code hd}
   * costing ×2 at 1024x1024 and ×1.5 at other sizes; with a per-call price, {@code perCall × n}. Empty when the
   * size is not allowed for the model or n is outside its range (a 400 for the client).
   */
  public OptionalLong imageQuota(Price price, String model, String size, String quality, int n) {
    int[] range = DefaultRatios.IMAGE_N.getOrDefault(model, new int[] {1, 10});
    if (n < range[0] || n > range[1]) {
      return OptionalLong.empty();
    }
    if (price.free()) {
      return OptionalLong.of(0);
    }
    if (price.perCall()) {
      return OptionalLong.of(perCallQuota(price) * n);
    }
    Map<String, Double> sizes = DefaultRatios.IMAGE_SIZE.get(model);
    double sizeRatio = 1;
    if (sizes != null) {
      Double r = sizes.get(size == null || size.isEmpty() ? "1024x1024" : size);
      if (r == null) {
        return OptionalLong.empty();
      }
      sizeRatio = r;
    }
    if ("dall-e-3".equals(model) && "hd".equals(quality)) {
      sizeRatio *= "1024x1024".equals(size == null || size.isEmpty() ? "1024x1024" : size) ? 2 : 1.5;
    }
    return OptionalLong.of((long) (price.modelRatio() * price.groupRatio() * sizeRatio * 1000) * n);
  }

  /**
   * Text to speech: per CHARACTER (Unicode code point) of the input, not per UTF-8 byte as One API (quirk Q6):
   * {@code int(characters × modelRatio × groupRatio)}, or the model's per-1M-characters price.
   */
  public long speechQuota(Price price, String input) {
    if (price.free()) {
      return 0;
    }
    long characters = input == null ? 0 : input.codePointCount(0, input.length());
    ModelPrice p = price.modelPrice();
    if (p != null && p.perMillionCharacters() > 0) {
      return (long) Math.ceil(characters * p.perMillionCharacters() / 1_000_000.0 * quotaPerUnit
          * price.groupRatio());
    }
    if (price.perCall()) {
      return perCallQuota(price);
    }
    return (long) (characters * price.modelRatio() * price.groupRatio());
  }

  /**
   * Transcription/translation: per second of input audio at the model's USD per-second price (ModelPrice
   * {@code per_second}, default whisper-1 $0.0001/s), instead of One API's transcript token count with the ratio
   * ignored (quirk Q6). Empty when the model has no per-second price and no per-call price.
   */
  public OptionalLong transcriptionQuota(Price price, String model, double seconds) {
    if (price.free()) {
      return OptionalLong.of(0);
    }
    ModelPrice p = price.modelPrice();
    double perSecond = p != null && p.perSecond() > 0 ? p.perSecond()
        : DefaultRatios.AUDIO_PER_SECOND.getOrDefault(model, 0.0);
    if (perSecond <= 0) {
      return price.perCall() ? OptionalLong.of(perCallQuota(price)) : OptionalLong.empty();
    }
    long quota = (long) Math.ceil(Math.max(0, seconds) * perSecond * quotaPerUnit * price.groupRatio());
    return OptionalLong.of(seconds > 0 && quota <= 0 ? 1 : quota);
  }

  /** One API's consume-log text of the ratios used. */
  public static String logContent(Price price) {
    // Prices are few (one per model × group in use): remember the text rather than format it per request.
    String known = LOG_CONTENT.get(price);
    if (known != null) {
      return known;
    }
    if (LOG_CONTENT.size() > 10_000) {
      LOG_CONTENT.clear();
    }
    String text = formatLogContent(price);
    LOG_CONTENT.put(price, text);
    return text;
  }

  private static final java.util.Map<Price, String> LOG_CONTENT = new java.util.concurrent.ConcurrentHashMap<>();

  private static String formatLogContent(Price price) {
    if (price.free()) {
      return String.format("unpriced model served free (SelfUseModeEnabled), group ratio %.2f", price.groupRatio());
    }
    if (price.modelPrice() != null) {
      ModelPrice p = price.modelPrice();
      return p.perCall() > 0
          ? String.format("per call $%s, group ratio %.2f", p.perCall(), price.groupRatio())
          : String.format("input $%s/1M, output $%s/1M, group ratio %.2f", p.inputPerMillion(), p.outputPerMillion(),
              price.groupRatio());
    }
    return String.format("模型倍率 %.2f，分组倍率 %.2f，补全倍率 %.2f", price.modelRatio(), price.groupRatio(),
        price.completionRatio());
  }

  private long perCallQuota(Price price) {
    return (long) Math.ceil(price.modelPrice().perCall() * quotaPerUnit * price.groupRatio());
  }

  private long priced(Price price, long prompt, long completion) {
    ModelPrice p = price.modelPrice();
    double usd = (prompt * p.inputPerMillion() + completion * p.outputPerMillion()) / 1_000_000.0;
    long quota = (long) Math.ceil(usd * quotaPerUnit * price.groupRatio());
    return usd > 0 && quota <= 0 ? 1 : quota;
  }

  /** One API's completion-ratio rules: explicit map first, then name prefixes, default 1. */
  double completionRatio(String model) {
    Double explicit = completionRatio.get(model);
    if (explicit != null) {
      return explicit;
    }
    if (model.startsWith("gpt-3.5")) {
      if (model.endsWith("1106")) {
        return 2;
      }
      return model.equals("gpt-3.5-turbo") || model.endsWith("0125") ? 3 : 4.0 / 3.0;
    }
    if (model.startsWith("gpt-4o")) {
      return model.endsWith("2024-05-13") ? 3 : 4;
    }
    if (model.startsWith("gpt-4-turbo") || model.endsWith("preview")) {
      return 3;
    }
    if (model.startsWith("gpt-4.1")) {
      return 4;
    }
    if (model.startsWith("gpt-4")) {
      return 2;
    }
    if (model.startsWith("o1") || model.startsWith("o3")) {
      return 4;
    }
    if (model.equals("chatgpt-4o-latest")) {
      return 3;
    }
    if (model.startsWith("claude-3")) {
      return 5;
    }
    if (model.startsWith("claude-")) {
      return 3;
    }
    if (model.startsWith("mistral-") || model.startsWith("gemini-")) {
      return 3;
    }
    if (model.startsWith("deepseek-")) {
      return 2;
    }
    return 1;
  }

  private static String stripInternetSuffix(String model) {
    if ((model.startsWith("qwen-") || model.startsWith("command-")) && model.endsWith("-internet")) {
      return model.substring(0, model.length() - "-internet".length());
    }
    return model;
  }

  private static double num(JsonObject o, String key) {
    return o.getValue(key) instanceof Number n ? n.doubleValue() : 0.0;
  }
}
