package io.onegate.common.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A parsed {@code postgres://user:password@host:port/database?sslmode=...} DSN (One API's SQL_DSN form).
 * {@link #toString()} hides the password.
 */
public record PostgresDsn(String host, int port, String database, String user, String password,
                          Map<String, String> params) {

  public static PostgresDsn parse(String dsn) {
    URI uri;
    try {
      uri = new URI(dsn);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URL");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("no host");
    }
    String user = "postgres";
    String password = "";
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = decode(parts[0]);
      password = parts.length > 1 ? decode(parts[1]) : "";
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    String database = path.startsWith("/") ? path.substring(1) : path;
    if (database.isEmpty()) {
      database = "postgres";
    }
    Map<String, String> params = new LinkedHashMap<>();
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        String[] kv = pair.split("=", 2);
        params.put(decode(kv[0]), kv.length > 1 ? decode(kv[1]) : "");
      }
    }
    return new PostgresDsn(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 5432, database, user, password,
        Map.copyOf(params));
  }

  /** The JDBC URL (for Flyway only; runtime access goes through vertx-pg-client). */
  public String jdbcUrl() {
    StringBuilder url = new StringBuilder("jdbc:postgresql://").append(host).append(':').append(port)
        .append('/').append(database);
    String sslmode = params.get("sslmode");
    if (sslmode != null) {
      url.append("?sslmode=").append(sslmode);
    }
    return url.toString();
  }

  public static String of(String host, int port, String database, String user, String password) {
    return "postgres://" + enc(user) + ":" + enc(password) + "@" + host + ":" + port + "/" + database;
  }

  private static String enc(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "postgres://" + user + ":***@" + host + ":" + port + "/" + database;
  }
}
