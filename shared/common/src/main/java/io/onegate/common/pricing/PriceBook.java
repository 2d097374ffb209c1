package io.onegate.common.pricing;

import io.onegate.common.options.Options;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One API's pricing as data: quota units ({@code QuotaPerUnit} per USD), model ratio, completion ratio, group
 * ratio, plus OneGate's per-1M-token and per-call prices ({@code ModelPrice} option). Immutable; build one per
 * options snapshot. Pure and thread-safe.
 *
 * <p>Text: {@code quota = ceil((prompt + completion × completionRatio) × modelRatio × groupRatio)}; 0 when no
 * tokens were used; at least 1 when the ratio is not 0. With a ModelPrice entry:
 * {@code quota = ceil((prompt × input + completion × output) / 1e6 × QuotaPerUnit × groupRatio)}, or
 * {@code ceil(perCall × QuotaPerUnit × groupRatio)} for per-call prices. A model with neither a ratio nor a price
 * is not priced: the relay refuses it instead of charging One API's silent default ratio 30 (quirk Q10).
 */
public final class PriceBook {
  private final Map<String, Double> modelRatio;
  private final Map<String, Double> completionRatio;
  private final Map<String, Double> groupRatio;
  private final Map<String, ModelPrice> modelPrice;
  private final double quotaPerUnit;
  private final long preConsumedQuota;

  /** USD prices of one model: per 1M input and output tokens, or per call. */
  public record ModelPrice(double inputPerMillion, double outputPerMillion, double perCall) {
  }

  /** The price of one model for one group. */
  public record Price(double modelRatio, double completionRatio, double groupRatio, ModelPrice modelPrice) {
    public boolean perCall() {
      return modelPrice != null && modelPrice.perCall() > 0;
    }
  }

  private PriceBook(Map<String, Double> modelRatio, Map<String, Double> completionRatio,
                    Map<String, Double> groupRatio, Map<String, ModelPrice> modelPrice, double quotaPerUnit,
                    long preConsumedQuota) {
    this.modelRatio = Map.copyOf(modelRatio);
    this.completionRatio = Map.copyOf(completionRatio);
    this.groupRatio = Map.copyOf(groupRatio);
    this.modelPrice = Map.copyOf(modelPrice);
    this.quotaPerUnit = quotaPerUnit;
    this.preConsumedQuota = preConsumedQuota;
  }

  public static PriceBook from(Options options) {
    Map<String, Double> models = new HashMap<>(DefaultRatios.MODEL);
    models.putAll(doubles(options.get("ModelRatio")));
    Map<String, Double> completions = new HashMap<>(DefaultRatios.COMPLETION);
    completions.putAll(doubles(options.get("CompletionRatio")));
    Map<String, Double> groups = doubles(options.get("GroupRatio"));
    Map<String, ModelPrice> prices = new HashMap<>();
    JsonObject priceJson = json(options.get("ModelPrice"));
    for (String model : priceJson.fieldNames()) {
      Object v = priceJson.getValue(model);
      if (v instanceof JsonObject p) {
        prices.put(model, new ModelPrice(p.getDouble("input", 0.0), p.getDouble("output", 0.0),
            p.getDouble("per_call", 0.0)));
      } else if (v instanceof Number n) {
        prices.put(model, new ModelPrice(0, 0, n.doubleValue()));
      }
    }
    return new PriceBook(models, completions, groups, prices, options.doubleValue("QuotaPerUnit"),
        options.longValue("PreConsumedQuota"));
  }

  /** The price of {@code model} (the upstream model after mapping) for {@code group}; empty when not priced. */
  public Optional<Price> price(String model, int channelType, String group) {
    String name = stripInternetSuffix(model);
    ModelPrice explicit = modelPrice.get(name);
    Double ratio = modelRatio.get(name + "(" + channelType + ")");
    if (ratio == null) {
      ratio = modelRatio.get(name);
    }
    if (explicit == null && ratio == null) {
      return Optional.empty();
    }
    return Optional.of(new Price(ratio == null ? 0 : ratio, completionRatio(name), groupRatio(group), explicit));
  }

  public double groupRatio(String group) {
    return groupRatio.getOrDefault(group, 1.0);
  }

  public double quotaPerUnit() {
    return quotaPerUnit;
  }

  /** One API's pre-consumed estimate: (PreConsumedQuota + promptEstimate + maxTokens) × modelRatio × groupRatio. */
  public long preConsume(Price price, long promptEstimate, long maxTokens) {
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

  /** One API's consume-log text of the ratios used. */
  public static String logContent(Price price) {
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

  private static Map<String, Double> doubles(String raw) {
    Map<String, Double> out = new HashMap<>();
    JsonObject json = json(raw);
    for (String key : json.fieldNames()) {
      Object v = json.getValue(key);
      if (v instanceof Number n) {
        out.put(key, n.doubleValue());
      }
    }
    return out;
  }

  private static JsonObject json(String raw) {
    if (raw == null || raw.isBlank()) {
      return new JsonObject();
    }
    try {
      return new JsonObject(raw);
    } catch (RuntimeException e) {
      return new JsonObject();
    }
  }
}
