package io.onegate.gateway.state;

import java.util.List;
import java.util.Set;

/**
 * A relay token as the snapshot holds it ({@code tokens} row): the {@code TokenVault} digest of its key (without
 * {@code sk-}), never the key.
 *
 * @param models  allow-list of models, empty = all
 * @param subnets allowed client networks, empty = anywhere; {@code subnetText} is the configured text (messages)
 * @param quotaGeneration tokens.quota_generation (see {@link UserRecord})
 */
public record TokenRecord(int id, int userId, String keyDigest, int status, String name, long expiredTime,
                          long remainQuota, boolean unlimited, Set<String> models, List<IpRange> subnets,
                          String subnetText, long quotaGeneration) {
  public static final int ENABLED = 1;
  public static final int DISABLED = 2;
  public static final int EXPIRED = 3;
  public static final int EXHAUSTED = 4;

  public TokenRecord {
    models = Set.copyOf(models);
    subnets = List.copyOf(subnets);
  }

  @Override
  public String toString() {
    return "Token[id=" + id + ", user=" + userId + ", name=" + name + "]"; // never the key
  }
}
