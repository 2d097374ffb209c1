package io.onegate.common.process;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Liveness ({@code /healthz}), readiness ({@code /readyz}) and Prometheus metrics ({@code /metrics}, unless they
 * have a server of their own: {@link MetricsEndpoint}) of a process, mounted on its router. Readiness is green only
 * when every dependency check succeeds and the process is not draining (after SIGTERM it answers 503
 * {@code {"status":"DRAINING"}} at once, without running the checks).
 */
public final class ProcessEndpoints {
  private ProcessEndpoints() {
  }

  public static void mount(Router router, ReadinessChecks checks, MetricsEndpoint metrics) {
    router.get("/healthz").handler(ctx -> ctx.response()
        .putHeader("content-type", "application/json")
        .end(new JsonObject().put("status", "UP").encode()));
    router.get("/readyz").handler(ctx -> {
      if (checks.draining()) {
        ctx.response().setStatusCode(503).putHeader("content-type", "application/json")
            .end(new JsonObject().put("status", "DRAINING").encode());
        return;
      }
      checks.run().onComplete(ar -> {
        Map<String, String> results = ar.result();
        boolean ready = results.values().stream().allMatch("UP"::equals);
        JsonObject body = new JsonObject().put("status", ready ? "UP" : "DOWN");
        JsonObject details = new JsonObject();
        results.forEach(details::put);
        body.put("checks", details);
        ctx.response().setStatusCode(ready ? 200 : 503)
            .putHeader("content-type", "application/json")
            .end(body.encode());
      });
    });
    metrics.mountOn(router);
  }

  /** Helper for callers that want the list of failing dependency names. */
  public static List<String> failing(Map<String, String> results) {
    List<String> out = new ArrayList<>();
    results.forEach((k, v) -> {
      if (!"UP".equals(v)) {
        out.add(k);
      }
    });
    return out;
  }

}
