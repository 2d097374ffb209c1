package io.onegate.gateway.api.aiproxy;

import io.onegate.gateway.api.ApiCall;
import io.onegate.gateway.api.ApiException;

/**
 * The {@code start_timestamp} / {@code end_timestamp} of an AI Proxy query, as AI Proxy reads them: seconds up to 10
 * digits, milliseconds up to 13; the end defaults to now and the span is at most {@code maxDays} (the start moves
 * up). In Unix seconds, as {@code logs.created_at}. Pure apart from {@code nowMillis}.
 */
record TimeRange(long startSeconds, long endSeconds) {

  static TimeRange of(ApiCall call, long nowMillis, int maxDays) {
    long end = seconds(call.query("end_timestamp"), "end_timestamp", nowMillis / 1000);
    long start = seconds(call.query("start_timestamp"), "start_timestamp", 0);
    long earliest = end - maxDays * 86_400L;
    return new TimeRange(Math.max(start, earliest), end);
  }

  private static long seconds(String raw, String name, long absent) {
    if (raw.isEmpty()) {
      return absent;
    }
    if (!raw.matches("\\d{1,16}")) {
      throw ApiException.badRequest(name + " must be a Unix timestamp (seconds or milliseconds)");
    }
    long v = Long.parseLong(raw);
    return raw.length() <= 10 ? v : raw.length() <= 13 ? v / 1000 : v / 1_000_000;
  }
}
