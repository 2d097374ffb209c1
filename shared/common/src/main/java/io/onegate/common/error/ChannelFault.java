package io.onegate.common.error;

/**
 * What a failed attempt says about the channel that served it (the health worker acts on it; see
 * docs/health-worker.md). Only failures the channel is answerable for move it.
 */
public enum ChannelFault {
  /** Nothing about the channel: success, the client's own error, the client left, a route or model it lacks. */
  NONE,
  /** The upstream asked to slow down (429): skip the channel for its retry-after, never a step towards disabling. */
  COOL_DOWN,
  /** Server-side or network trouble (5xx, timeout, connection error): counts towards the channel's breaker. */
  TRANSIENT,
  /** The key cannot work any more (invalid, account deactivated, quota exhausted): auto-disable (status 3). */
  DEAD_KEY
}
