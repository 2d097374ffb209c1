package io.onegate.gateway.relay;

import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.random.RandomGenerator;

/**
 * One API-style request ids: {@code yyyyMMddHHmmss} (UTC) + 9 nanosecond digits + 8 random digits. Unique per
 * node in practice; the billing worker's idempotency key.
 */
public final class RequestIds {
  public static final String HEADER = "X-Oneapi-Request-Id";
  private final Clock clock;
  private final RandomGenerator random;

  public RequestIds(Clock clock, RandomGenerator random) {
    this.clock = clock;
    this.random = random;
  }

  public String next() {
    LocalDateTime t = LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    StringBuilder sb = new StringBuilder(31);
    pad(sb, t.getYear(), 4);
    pad(sb, t.getMonthValue(), 2);
    pad(sb, t.getDayOfMonth(), 2);
    pad(sb, t.getHour(), 2);
    pad(sb, t.getMinute(), 2);
    pad(sb, t.getSecond(), 2);
    pad(sb, t.getNano(), 9);
    pad(sb, random.nextInt(100_000_000), 8);
    return sb.toString();
  }

  private static void pad(StringBuilder sb, int value, int width) {
    String s = Integer.toString(value);
    for (int i = s.length(); i < width; i++) {
      sb.append('0');
    }
    sb.append(s);
  }
}
