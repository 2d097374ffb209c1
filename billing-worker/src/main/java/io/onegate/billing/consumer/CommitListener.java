package io.onegate.billing.consumer;

import io.onegate.billing.ledger.FlushResult;

/** Told about every committed flush, on the consumer thread, after the commit. Must not throw or block long. */
@FunctionalInterface
public interface CommitListener {
  void committed(FlushResult result);
}
