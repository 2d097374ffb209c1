package io.onegate.billing.consumer;

import io.onegate.billing.ledger.FlushResult;

/** Told about every committed flush, after the commit, on the worker's listener thread (normally in commit order). */
@FunctionalInterface
public interface CommitListener {
  void committed(FlushResult result);
}
