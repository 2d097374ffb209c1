package io.onegate.gateway.api.aiproxy;

import io.onegate.gateway.api.ApiCall;
import io.onegate.gateway.api.ApiContext;
import io.vertx.core.Future;

/**
 * AI Proxy's paging ({@code page} or {@code p}, 1-based; {@code per_page}, default 10, at most 100) and its amounts
 * (quota in the currency unit: quota / QuotaPerUnit). Pure apart from reading the options.
 */
record Paging(int page, int perPage) {
  static final int MAX_PER_PAGE = 100;

  static Paging of(ApiCall call) {
    String raw = call.query("page").isEmpty() ? call.query("p") : call.query("page");
    int page;
    try {
      page = Math.min(Math.max(Integer.parseInt(raw), 1), 1_000_000);
    } catch (NumberFormatException e) {
      page = 1;
    }
    int perPage;
    try {
      int n = Integer.parseInt(call.query("per_page"));
      perPage = n <= 0 ? 10 : Math.min(n, MAX_PER_PAGE);
    } catch (NumberFormatException e) {
      perPage = 10;
    }
    return new Paging(page, perPage);
  }

  int offset() {
    return (page - 1) * perPage;
  }

  /** QuotaPerUnit (500,000 quota = 1 unit by default): AI Proxy's amounts are money, OneGate's quota. */
  static Future<Double> perUnit(ApiContext api) {
    return api.options().map(o -> o.doubleValue("QuotaPerUnit") <= 0 ? 500_000.0 : o.doubleValue("QuotaPerUnit"));
  }
}
