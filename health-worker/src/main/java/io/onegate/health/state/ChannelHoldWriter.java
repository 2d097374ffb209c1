package io.onegate.health.state;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.onegate.common.cluster.ChannelHold;
import io.onegate.common.cluster.ClusterNames;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes channel holds (cool-downs, open breakers) to the IMap {@link ClusterNames#CHANNEL_HOLDS}, which every
 * gateway mirrors through an entry listener. Each entry lives a little past its end (TTL), so a hold whose worker
 * died lapses by itself. Fire and forget: a failed write is logged (the next outcome of the channel decides again).
 */
public final class ChannelHoldWriter {
  private static final Logger LOG = LoggerFactory.getLogger(ChannelHoldWriter.class);
  /** Entries outlive their end by this much (gateways compare the end themselves), then Hazelcast drops them. */
  private static final long TTL_SLACK_MILLIS = 5_000;

  private final IMap<Integer, long[]> holds;

  public ChannelHoldWriter(HazelcastInstance hazelcast) {
    this.holds = hazelcast.getMap(ClusterNames.CHANNEL_HOLDS);
  }

  public void hold(int channelId, ChannelHold hold, long nowMillis) {
    long ttl = Math.max(1, hold.untilMillis() - nowMillis) + TTL_SLACK_MILLIS;
    logFailure(holds.setAsync(channelId, hold.toArray(), ttl, TimeUnit.MILLISECONDS), "hold", channelId);
  }

  public void release(int channelId) {
    logFailure(holds.removeAsync(channelId), "release", channelId);
  }

  private static void logFailure(CompletionStage<?> stage, String what, int channelId) {
    // inline on the completing thread (Hazelcast's default async executor may start a thread per callback)
    stage.whenCompleteAsync((v, err) -> {
      if (err != null) {
        LOG.warn("could not {} channel {} in the holds map: {}", what, channelId, err.toString());
      }
    }, Runnable::run);
  }
}
