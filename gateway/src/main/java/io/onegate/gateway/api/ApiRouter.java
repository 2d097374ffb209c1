package io.onegate.gateway.api;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Predicate;

/** Registers management routes: authentication at a minimum role, then the action, answered as an envelope. */
public final class ApiRouter {
  /** Minimum role of routes anyone may call. */
  public static final int PUBLIC = -1;

  /** A route's work, given the authenticated call. */
  @FunctionalInterface
  public interface Action {
    Future<?> run(ApiCall call);
  }

  private final Router router;
  private final Authenticator auth;

  public ApiRouter(Router router, Authenticator auth) {
    this.router = router;
    this.auth = auth;
  }

  public Authenticator auth() {
    return auth;
  }

  public void get(String path, int minRole, Action action) {
    add(HttpMethod.GET, path, minRole, action);
  }

  /** A GET with side effects (One API has a few): same-origin checked like a write ({@link SameOriginPolicy}). */
  public void stateChangingGet(String path, int minRole, Action action) {
    add(HttpMethod.GET, path, minRole, action, true);
  }

  public void post(String path, int minRole, Action action) {
    add(HttpMethod.POST, path, minRole, action);
  }

  public void put(String path, int minRole, Action action) {
    add(HttpMethod.PUT, path, minRole, action);
  }

  public void delete(String path, int minRole, Action action) {
    add(HttpMethod.DELETE, path, minRole, action);
  }

  private void add(HttpMethod method, String path, int minRole, Action action) {
    add(method, path, minRole, action, method != HttpMethod.GET);
  }

  /**
   * A route that answers only the requests {@code when} accepts; others go on to the next matching route. For two
   * APIs sharing a path (AI Proxy's and One API's {@code /api/channel/}): the accepting one is registered first.
   */
  public void when(HttpMethod method, String path, Predicate<RoutingContext> when, int minRole, Action action) {
    var handler = handler(minRole, action, method != HttpMethod.GET);
    router.route(method, path).handler(ctx -> {
      if (when.test(ctx)) {
        handler.handle(ctx);
      } else {
        ctx.next();
      }
    });
  }

  private Handler<RoutingContext> handler(int minRole, Action action, boolean changesState) {
    return Envelope.of(ctx -> {
      Future<Principal> caller = minRole == PUBLIC ? Future.succeededFuture(null)
          : auth.authenticate(ctx, minRole, changesState);
      return caller.compose(p -> action.run(new ApiCall(ctx, p)));
    });
  }

  /** Registers {@code path}; a path ending in "/" is also served without it (One API's UI uses both). */
  private void add(HttpMethod method, String path, int minRole, Action action, boolean changesState) {
    var handler = handler(minRole, action, changesState);
    router.route(method, path).handler(handler);
    if (path.endsWith("/") && path.length() > 1) {
      router.route(method, path.substring(0, path.length() - 1)).handler(handler);
    }
  }
}
