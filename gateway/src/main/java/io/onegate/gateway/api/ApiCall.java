package io.onegate.gateway.api;

import io.vertx.ext.web.RoutingContext;

/** One management request: the routing context and the authenticated caller (null on public routes). */
public record ApiCall(RoutingContext ctx, Principal principal) {
  public static final int PAGE_SIZE = 10;
  private static final int MAX_PAGE = 1_000_000;

  public Body body() {
    return Body.parse(ctx.body().buffer());
  }

  /** A positive integer path parameter; anything else is a 400. */
  public int id(String name) {
    String raw = ctx.pathParam(name);
    try {
      int id = Integer.parseInt(raw);
      if (id <= 0) {
        throw ApiException.badRequest("invalid id: " + name + " must be a positive integer");
      }
      return id;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("invalid id: " + name + " must be a positive integer");
    }
  }

  /**
   * A query parameter, trimmed ("" when absent); a malformed query string (bad %-escapes) and text PostgreSQL cannot
   * store ({@link Body#checkText}) are refused.
   */
  public String query(String name) {
    String v;
    try {
      v = ctx.request().getParam(name);
    } catch (IllegalArgumentException e) { // the query string is decoded on first use
      throw ApiException.badRequest("malformed query string (an invalid %-escape)");
    }
    return v == null ? "" : Body.checkText(v, "query parameter " + name).trim();
  }

  /** An optional integer query parameter; malformed is a 400. */
  public Long queryLong(String name) {
    String v = query(name);
    if (v.isEmpty()) {
      return null;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(name + " must be an integer");
    }
  }

  /** {@code ?p=} (0-based, One API); missing or malformed means 0. */
  public int offset() {
    try {
      int p = Integer.parseInt(query("p"));
      return Math.min(Math.max(p, 0), MAX_PAGE) * PAGE_SIZE;
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** The client's address ({@code TRUSTED_PROXIES} applied; set by the first {@code /api} handler). */
  public ClientAddress clientAddress() {
    ClientAddress address = ctx.get(ManagementApi.CLIENT_ADDRESS);
    return address == null ? ClientAddress.UNKNOWN : address;
  }

  /** A LIKE pattern matching values starting with {@code prefix} (wildcards escaped). */
  public static String likePrefix(String prefix) {
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
  }
}
