package io.onegate.gateway.api;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.pgclient.PgException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes One API's {@code {"success","message","data"}} envelope. As One API, success and the refusal of a request
 * (invalid input, conflict, unknown id, role) are HTTP 200, the latter with {@code success:false} and a message;
 * 401 means not logged in, 429 rate limited (with {@code Retry-After}), 403 a cross-site or foreign-host browser
 * request, 413 a body over the limit, 404 an unknown route ({@link ApiException}). Unexpected faults are logged
 * (one line, no request data) and answered 500 "internal error" without details.
 */
public final class Envelope {
  private static final Logger LOG = LoggerFactory.getLogger(Envelope.class);

  /** A success with a message as well as data. */
  public record Reply(String message, Object data) {
  }

  /** A complete JSON body written as is (One API's few non-envelope shapes). */
  public record Raw(JsonObject body) {
  }

  private Envelope() {
  }

  /** Adapts a future-returning action: its value becomes {@code data}, its failure the error envelope. */
  public static Handler<RoutingContext> of(Function<RoutingContext, Future<?>> action) {
    return ctx -> {
      Future<?> result;
      try {
        result = action.apply(ctx);
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      result.onComplete(ar -> {
        if (ar.succeeded()) {
          ok(ctx, ar.result());
        } else {
          failure(ctx, ar.cause());
        }
      });
    };
  }

  public static void ok(RoutingContext ctx, Object result) {
    if (result instanceof Raw raw) {
      write(ctx, 200, raw.body());
    } else if (result instanceof Reply reply) {
      write(ctx, 200, new JsonObject().put("success", true).put("message", reply.message()).put("data",
          reply.data()));
    } else {
      write(ctx, 200, new JsonObject().put("success", true).put("message", "").put("data", result));
    }
  }

  public static void fail(RoutingContext ctx, int status, String message) {
    write(ctx, status, new JsonObject().put("success", false).put("message", message));
  }

  /** Maps any failure to an envelope; database constraint errors caused by input become 4xx. */
  public static void failure(RoutingContext ctx, Throwable cause) {
    if (cause instanceof ApiException api) {
      if (api.retryAfterSeconds() > 0 && !ctx.response().headWritten()) {
        ctx.response().putHeader("Retry-After", String.valueOf(api.retryAfterSeconds()));
      }
      fail(ctx, api.status(), api.getMessage());
      return;
    }
    if (cause instanceof PgException pg && pg.getSqlState() != null) {
      switch (pg.getSqlState()) {
        case "23505" -> {
          fail(ctx, 200, "already exists (a unique value is taken)");
          return;
        }
        case "22001", "22003", "22P02", "23514" -> {
          fail(ctx, 200, "a value is out of range or too long");
          return;
        }
        default -> {
        }
      }
    }
    LOG.error("api {} {} failed: {}", ctx.request().method(), ctx.request().path(), cause.toString());
    fail(ctx, 500, "internal error");
  }

  private static void write(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    ctx.response().setStatusCode(status)
        .putHeader("content-type", "application/json; charset=utf-8")
        .putHeader("cache-control", "no-store")
        .end(body.encode());
  }
}
