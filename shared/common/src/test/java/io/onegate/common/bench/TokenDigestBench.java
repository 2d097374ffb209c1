package io.onegate.common.bench;

import io.onegate.common.crypto.TokenVault;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Benchmark (not part of the suite: run by bench/relay/key-digest.sh with -Dtest=TokenDigestBench). The relay's key
 * lookup before and after issue 14: a map get by the plaintext key versus {@link TokenVault#digest} (HMAC-SHA256
 * with a per-thread Mac, base64url) plus a map get by the digest, over 100,000 tokens, one thread and one per core.
 */
class TokenDigestBench {
  private static final int TOKENS = 100_000;
  private static final int ROUNDS = Integer.getInteger("bench.rounds", 5);
  private static final int LOOKUPS = Integer.getInteger("bench.lookups", 2_000_000);

  @Test
  void digestLookupCost() throws Exception {
    TokenVault vault = new TokenVault("bench-crypto-secret-0123456789");
    SplittableRandom random = new SplittableRandom(42);
    String[] keys = new String[TOKENS];
    Map<String, Integer> byKey = new HashMap<>();
    Map<String, Integer> byDigest = new HashMap<>();
    for (int i = 0; i < TOKENS; i++) {
      StringBuilder k = new StringBuilder(48);
      for (int c = 0; c < 48; c++) {
        k.append("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".charAt(random.nextInt(62)));
      }
      keys[i] = k.toString();
      byKey.put(keys[i], i);
      byDigest.put(vault.digest(keys[i]), i);
    }
    for (int round = 0; round < ROUNDS; round++) {
      double plain = nanosPerLookup(() -> lookups(keys, k -> byKey.get(k)));
      double hmac = nanosPerLookup(() -> lookups(keys, k -> byDigest.get(vault.digest(k))));
      int threads = Runtime.getRuntime().availableProcessors();
      double parallel = parallelNanosPerLookup(keys, byDigest, vault, threads);
      System.out.printf("BENCH round %d: plaintext get %.0f ns, digest+get %.0f ns (1 thread), %.0f ns per lookup "
          + "per thread (%d threads)%n", round, plain, hmac, parallel, threads);
    }
  }

  private static long lookups(String[] keys, java.util.function.Function<String, Integer> lookup) {
    long sum = 0;
    for (int i = 0; i < LOOKUPS; i++) {
      Integer id = lookup.apply(keys[(int) ((i * 2_654_435_761L) % TOKENS)]);
      if (id == null) {
        throw new AssertionError("a stored key was not found");
      }
      sum += id;
    }
    return sum;
  }

  private static double nanosPerLookup(java.util.function.LongSupplier run) {
    long start = System.nanoTime();
    long sink = run.getAsLong();
    long elapsed = System.nanoTime() - start;
    if (sink == 42) {
      System.out.println();
    }
    return (double) elapsed / LOOKUPS;
  }

  private static double parallelNanosPerLookup(String[] keys, Map<String, Integer> byDigest, TokenVault vault,
                                               int threads) throws InterruptedException {
    Thread[] workers = new Thread[threads];
    long[] elapsed = new long[threads];
    for (int t = 0; t < threads; t++) {
      int me = t;
      workers[t] = new Thread(() -> {
        long start = System.nanoTime();
        lookups(keys, k -> byDigest.get(vault.digest(k)));
        elapsed[me] = System.nanoTime() - start;
      });
      workers[t].start();
    }
    long total = 0;
    for (int t = 0; t < threads; t++) {
      workers[t].join();
      total += elapsed[t];
    }
    return (double) total / threads / LOOKUPS;
  }
}
