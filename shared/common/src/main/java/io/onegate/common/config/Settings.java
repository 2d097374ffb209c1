package io.onegate.common.config;

import static io.onegate.common.config.Parsers.doubleRange;
import static io.onegate.common.config.Parsers.intRange;
import static io.onegate.common.config.Parsers.oneOf;

import java.util.List;
import java.util.function.Function;

/**
 * The one source of every setting OneGate reads from the environment. Names follow One API where One API has
 * them; docs/configuration.md is checked against this list by a test ({@code ConfigurationDocTest}).
 */
public final class Settings {
  private Settings() {
  }

  // ---- One API's variables -------------------------------------------------------------------------------
  public static final Setting<Integer> PORT = of("PORT", "integer 1-65535", "3000",
      "HTTP port of the gateway (relay /v1, management /api, console /, health and metrics).", intRange(1, 65535));
  public static final Setting<String> SQL_DSN = of("SQL_DSN", "postgres:// DSN", null,
      "PostgreSQL connection, e.g. postgres://user:pass@host:5432/onegate. Unset in the standalone launcher: the "
          + "embedded PostgreSQL is used. Required by the separate process jars.", Parsers::postgresDsn);
  public static final Setting<String> SESSION_SECRET = secret("SESSION_SECRET", "string, 16+ characters", null,
      "Key that signs session cookies; must be identical on every gateway node. Unset: a random key is made per "
          + "process (standalone: generated once and kept in DATA_DIR).", Parsers::sessionSecret);
  public static final Setting<String> CRYPTO_SECRET = secret("CRYPTO_SECRET", "string, 16+ characters", null,
      "Key that encrypts channel keys at rest (AES-256-GCM); identical on every process. Unset: SESSION_SECRET is "
          + "used. Changing it makes stored keys unreadable (see docs/configuration.md, key rotation).",
      Parsers::sessionSecret);
  public static final Setting<Integer> POLLING_INTERVAL = of("POLLING_INTERVAL", "integer seconds >= 0", "0",
      "Seconds paused between successive channels when testing channels (health worker) and refreshing channel "
          + "balances (billing worker).", intRange(0, 86_400));
  public static final Setting<Boolean> BATCH_UPDATE_ENABLED = of("BATCH_UPDATE_ENABLED", "true|false", "true",
      "Billing worker aggregates usage and writes every BATCH_UPDATE_INTERVAL seconds; false flushes after every "
          + "Kafka poll. Either way nothing is lost (offsets are stored with the data).", Parsers::bool);
  public static final Setting<Integer> BATCH_UPDATE_INTERVAL = of("BATCH_UPDATE_INTERVAL", "integer seconds 1-3600",
      "5", "Billing worker flush period in seconds.", intRange(1, 3600));
  public static final Setting<Integer> CHANNEL_TEST_FREQUENCY = of("CHANNEL_TEST_FREQUENCY",
      "integer minutes >= 0", "0", "Minutes between scheduled tests of all channels (one leader health worker "
          + "runs them); 0 turns scheduled tests off.", intRange(0, 525_600));
  public static final Setting<Integer> SYNC_FREQUENCY = of("SYNC_FREQUENCY", "integer seconds 1-86400", "600",
      "Seconds between full reloads of the in-memory snapshots from PostgreSQL; only a backstop, changes are "
          + "pushed through Hazelcast at once.", intRange(1, 86_400));
  public static final Setting<Integer> RELAY_TIMEOUT = of("RELAY_TIMEOUT", "integer seconds >= 0", "0",
      "Upper bound in seconds of a whole relayed request: every upstream attempt and retry, including the whole "
          + "stream; when it passes the upstream is reset, the client gets 504 upstream_timeout (or, once a stream "
          + "has started, an error event) and no further attempt is made. 0 means none (One API's default).",
      intRange(0, 86_400));
  public static final Setting<Integer> GLOBAL_API_RATE_LIMIT = of("GLOBAL_API_RATE_LIMIT", "integer >= 0", "480",
      "Requests per 3 minutes per client IP on /api and the dashboard billing routes; 0 turns it off.",
      intRange(0, 1_000_000_000));
  public static final Setting<Integer> GLOBAL_WEB_RATE_LIMIT = of("GLOBAL_WEB_RATE_LIMIT", "integer >= 0", "240",
      "Requests per 3 minutes per client IP on the console's static files; 0 turns it off.",
      intRange(0, 1_000_000_000));
  public static final Setting<Integer> CRITICAL_RATE_LIMIT = of("CRITICAL_RATE_LIMIT", "integer >= 0", "20",
      "Registrations and failed logins per 20 minutes per client address (an IPv6 client by its /64), counted "
          + "across the cluster (One API's fixed critical limit; successful logins do not count); over it, 429. "
          + "Behind a proxy set TRUSTED_PROXIES, or every client shares the proxy's budget. 0 turns it off.",
      intRange(0, 1_000_000_000));
  public static final Setting<Integer> LOGIN_FAILURE_LIMIT = of("LOGIN_FAILURE_LIMIT", "integer >= 0", "5",
      "Failed logins of one account from one client address before that address must wait between tries: 30 s, "
          + "doubling per further failure, at most 15 minutes (429 with Retry-After); a success clears it, other "
          + "addresses are unaffected, failures are forgotten after a day. Cluster-wide; 0 turns it off.",
      intRange(0, 1_000_000_000));
  public static final Setting<String> INITIAL_ROOT_TOKEN = secret("INITIAL_ROOT_TOKEN", "string (48 chars or fewer)",
      null, "On the first start, also create an unlimited relay token with this key for root.",
      Parsers::string);
  public static final Setting<String> INITIAL_ROOT_ACCESS_TOKEN = secret("INITIAL_ROOT_ACCESS_TOKEN",
      "string (32 chars or fewer)", null, "On the first start, root's management access token.", Parsers::string);
  public static final Setting<String> NODE_TYPE = of("NODE_TYPE", "master|slave", "master",
      "slave nodes never run database migrations and may redirect the console to FRONTEND_BASE_URL.",
      oneOf("master", "slave"));
  public static final Setting<String> FRONTEND_BASE_URL = of("FRONTEND_BASE_URL", "http(s) URL", null,
      "On slave nodes: redirect console pages (not /api or /v1) to this address.", Settings::httpUrl);
  public static final Setting<Boolean> DEBUG = of("DEBUG", "true|false", "false",
      "Debug logging (request bodies are still never logged).", Parsers::bool);

  // ---- OneGate's own ---------------------------------------------------------------------------------------
  public static final Setting<String> KAFKA_BOOTSTRAP_SERVERS = of("KAFKA_BOOTSTRAP_SERVERS", "host:port list",
      "127.0.0.1:9092", "Kafka brokers (comma-separated). The standalone launcher starts its own broker and sets it.",
      raw -> String.join(",", Parsers.hostPortList(raw)));
  public static final Setting<String> KAFKA_TOPIC_PREFIX = of("KAFKA_TOPIC_PREFIX", "string [a-z0-9._-]", "onegate.",
      "Prefix of OneGate's Kafka topics (<prefix>usage, <prefix>attempts).", Settings::topicPrefix);
  public static final Setting<Integer> KAFKA_PARTITIONS = of("KAFKA_PARTITIONS", "integer 1-1024", "6",
      "Partitions of the topics OneGate creates when they do not exist.", intRange(1, 1024));
  public static final Setting<Integer> KAFKA_REPLICATION_FACTOR = of("KAFKA_REPLICATION_FACTOR", "integer 1-16", "1",
      "Replicas of each partition of the topics OneGate creates (3 on a production cluster of 3 or more brokers). "
          + "Producers always use acks=all with idempotence.", intRange(1, 16));
  public static final Setting<Integer> KAFKA_MIN_INSYNC_REPLICAS = of("KAFKA_MIN_INSYNC_REPLICAS", "integer 1-16",
      "1", "min.insync.replicas of the topics OneGate creates: an event counts as written once this many replicas "
          + "have it (2 with a replication factor of 3); at most KAFKA_REPLICATION_FACTOR.", intRange(1, 16));
  public static final Setting<String> HAZELCAST_CLUSTER_NAME = of("HAZELCAST_CLUSTER_NAME", "string", "onegate",
      "Hazelcast cluster name; every process of one deployment uses the same.", Parsers::string);
  public static final Setting<String> HAZELCAST_MEMBERS = of("HAZELCAST_MEMBERS", "host[:port] list",
      "127.0.0.1", "Addresses of Hazelcast members to join over TCP (multicast is off).", Parsers::string);
  public static final Setting<String> HAZELCAST_INTERFACE = of("HAZELCAST_INTERFACE", "IP address", "127.0.0.1",
      "Address this process's Hazelcast member binds to and announces.", Parsers::string);
  public static final Setting<String> HAZELCAST_KUBERNETES_SERVICE_DNS = of("HAZELCAST_KUBERNETES_SERVICE_DNS",
      "DNS name", null, "Kubernetes: DNS name of a headless service (publishNotReadyAddresses) that selects every OneGate "
          + "pod, e.g. onegate-hazelcast.onegate.svc.cluster.local. When set, members find each other by looking it up "
          + "(Hazelcast's built-in Kubernetes DNS discovery, no API access or RBAC) on HAZELCAST_PORT, and "
          + "HAZELCAST_MEMBERS is ignored.", Parsers::string);
  public static final Setting<String> BIND_ADDRESS = of("BIND_ADDRESS", "IP address", "127.0.0.1",
      "Address the HTTP servers (gateway PORT, workers' health ports) listen on; 0.0.0.0 for every interface (what a "
          + "container or a node behind a load balancer needs).", Parsers::string);
  public static final Setting<List<HostPattern>> ALLOWED_HOSTS = of("ALLOWED_HOSTS",
      "comma-separated host names, optional :port", "",
      "Host names browsers may use to reach the console and /api with a session cookie, besides localhost, "
          + "127.0.0.1, ::1, any IP address and the host of the ServerAddress option (DNS-rebinding defence: a "
          + "cookie login or cookie request for another Host is refused). Access tokens are not affected.",
      HostPattern::parseList);
  public static final Setting<Integer> HAZELCAST_PORT = of("HAZELCAST_PORT", "integer 1-65535", "5701",
      "First port tried by this process's Hazelcast member (the next free one is used).", intRange(1, 65535));
  public static final Setting<Integer> BILLING_WORKER_PORT = of("BILLING_WORKER_PORT", "integer 0-65535", "3001",
      "HTTP port of the billing worker's health and metrics endpoints; 0 picks a free port.", intRange(0, 65535));
  public static final Setting<String> METRICS_TOKEN = secret("METRICS_TOKEN", "string", null,
      "When set, /metrics answers only requests with Authorization: Bearer <this token> (others get 401); "
          + "Prometheus: authorization.credentials. Unset: /metrics is open to whoever reaches its port.",
      Parsers::string);
  public static final Setting<Integer> METRICS_PORT = of("METRICS_PORT", "integer 0-65535", "0",
      "When above 0, each process serves /metrics on this port of its own (at METRICS_BIND_ADDRESS) and no longer "
          + "on its main port (gateway PORT, workers' health ports); 0 serves it on the main port. Processes "
          + "sharing one host need different values (the standalone launcher has one for all).", intRange(0, 65535));
  public static final Setting<String> METRICS_BIND_ADDRESS = of("METRICS_BIND_ADDRESS", "IP address", "127.0.0.1",
      "Address the METRICS_PORT server listens on (e.g. an internal interface only the scraper reaches).",
      Parsers::string);
  public static final Setting<Integer> HEALTH_WORKER_PORT = of("HEALTH_WORKER_PORT", "integer 0-65535", "3002",
      "HTTP port of the health worker's health and metrics endpoints; 0 picks a free port.", intRange(0, 65535));
  public static final Setting<String> DATA_DIR = of("DATA_DIR", "directory path", "./data",
      "Standalone launcher: where the embedded PostgreSQL, Kafka log and generated secrets live.", Parsers::string);
  public static final Setting<Integer> EMBEDDED_POSTGRES_PORT = of("EMBEDDED_POSTGRES_PORT", "integer 1-65535",
      "5433", "Standalone launcher: port of the embedded PostgreSQL (127.0.0.1 only).", intRange(1, 65535));
  public static final Setting<Integer> EMBEDDED_KAFKA_PORT = of("EMBEDDED_KAFKA_PORT", "integer 1-65535", "9092",
      "Standalone launcher: port of the embedded Kafka broker (127.0.0.1 only).", intRange(1, 65535));
  public static final Setting<String> LOG_FORMAT = of("LOG_FORMAT", "text|json", "text",
      "Log line format: one line per event either way.", oneOf("text", "json"));
  public static final Setting<String> LOG_LEVEL = of("LOG_LEVEL", "error|warn|info|debug|trace", "info",
      "Level of OneGate's own loggers.", oneOf("error", "warn", "info", "debug", "trace"));
  public static final Setting<Integer> SQL_MAX_OPEN_CONNS = of("SQL_MAX_OPEN_CONNS", "integer 1-1000", "16",
      "PostgreSQL pool size per process.", intRange(1, 1000));
  public static final Setting<Double> STARTUP_TIMEOUT = of("STARTUP_TIMEOUT", "seconds 1-600", "60",
      "How long a process waits for PostgreSQL, Kafka and Hazelcast before giving up at start.",
      doubleRange(1, 600));
  public static final Setting<Integer> DRAIN_DELAY = of("DRAIN_DELAY", "integer seconds 0-300", "5",
      "On SIGTERM a process answers /readyz with 503 at once but keeps accepting connections this many seconds, "
          + "so a load balancer can take it out of rotation; then its listeners close (Ctrl-C skips the delay).",
      intRange(0, 300));
  public static final Setting<Integer> DRAIN_TIMEOUT = of("DRAIN_TIMEOUT", "integer seconds 0-3600", "30",
      "After DRAIN_DELAY, how long requests and streams in flight get to finish before the process flushes its "
          + "events to Kafka, returns its balance leases, leaves the cluster and exits 0. Orchestrators should "
          + "allow DRAIN_DELAY + DRAIN_TIMEOUT + 15 s (Kubernetes terminationGracePeriodSeconds).",
      intRange(0, 3600));

  // ---- Health worker (channel health: outcome rules, scheduled tests, notifications) --------------------------
  public static final Setting<Integer> CHANNEL_TEST_FREQUENCY_SECONDS = of("CHANNEL_TEST_FREQUENCY_SECONDS",
      "integer seconds >= 0", "0", "Seconds between scheduled channel tests; when above 0 it replaces "
          + "CHANNEL_TEST_FREQUENCY (meant for tests and demos: sub-minute periods).", intRange(0, 31_536_000));
  public static final Setting<String> TEST_PROMPT = of("TEST_PROMPT", "string",
      "Output only your specific model name with no additional text.",
      "User message of the minimal chat completion sent by channel tests.", Parsers::string);
  public static final Setting<String> HEALTH_TEST_MODEL = of("HEALTH_TEST_MODEL", "model name", "gpt-3.5-turbo",
      "Model a channel test asks for when the channel lists it; otherwise the channel's first chat model is used.",
      Parsers::string);
  public static final Setting<Integer> HEALTH_TEST_TIMEOUT = of("HEALTH_TEST_TIMEOUT", "integer seconds 1-600",
      "30", "Seconds a channel test waits for the upstream's answer before counting it as a timeout.",
      intRange(1, 600));
  public static final Setting<Integer> HEALTH_ERROR_RATE_WINDOW = of("HEALTH_ERROR_RATE_WINDOW",
      "integer attempts 1-10000", "50", "Circuit breaker, error-rate rule: how many of a channel's most recent relay "
          + "attempts are looked at (successes and transient failures; client errors and 429s are not counted).",
      intRange(1, 10_000));
  public static final Setting<Integer> HEALTH_ERROR_RATE_WINDOW_SECONDS = of("HEALTH_ERROR_RATE_WINDOW_SECONDS",
      "integer seconds 1-86400", "300", "Circuit breaker, error-rate rule: attempts older than this many seconds "
          + "leave the window.", intRange(1, 86_400));
  public static final Setting<Integer> HEALTH_ERROR_RATE_MIN_SAMPLES = of("HEALTH_ERROR_RATE_MIN_SAMPLES",
      "integer 1-10000", "20", "Circuit breaker, error-rate rule: judges a channel only once its window holds at "
          + "least this many attempts, so a few bad requests never trip it.", intRange(1, 10_000));
  public static final Setting<Double> HEALTH_ERROR_RATE_THRESHOLD = of("HEALTH_ERROR_RATE_THRESHOLD",
      "fraction 0-1", "0.2", "Circuit breaker, error-rate rule: open a channel's breaker when transient failures "
          + "(5xx, timeouts, connection errors) / attempts in its window reach this fraction; 0 turns the rule off. "
          + "An open breaker makes gateways skip the channel; it never changes the channel's status.",
      doubleRange(0, 1));
  public static final Setting<Integer> HEALTH_BREAKER_CONSECUTIVE_FAILURES = of(
      "HEALTH_BREAKER_CONSECUTIVE_FAILURES", "integer 0-10000", "5", "Circuit breaker: open a channel's breaker "
          + "after this many transient failures in a row (no success between them), whatever the window holds; 0 "
          + "turns the rule off.", intRange(0, 10_000));
  public static final Setting<Integer> HEALTH_BREAKER_OPEN_SECONDS = of("HEALTH_BREAKER_OPEN_SECONDS",
      "integer seconds 0-86400", "30", "Circuit breaker: how long gateways skip a channel whose breaker opened before "
          + "the health worker probes it (a passing probe closes the breaker); 0 turns breakers off.",
      intRange(0, 86_400));
  public static final Setting<Integer> HEALTH_BREAKER_MAX_OPEN_SECONDS = of("HEALTH_BREAKER_MAX_OPEN_SECONDS",
      "integer seconds 1-86400", "600", "Circuit breaker: each failed probe doubles the time until the next one, up "
          + "to this many seconds.", intRange(1, 86_400));
  public static final Setting<Integer> HEALTH_RATE_LIMIT_COOLDOWN_SECONDS = of("HEALTH_RATE_LIMIT_COOLDOWN_SECONDS",
      "integer seconds 0-86400", "10", "Seconds gateways skip a channel after its upstream answered 429 without a "
          + "retry-after (with one, its value is used); never counts towards disabling. 0: only a retry-after "
          + "cools a channel down.", intRange(0, 86_400));
  public static final Setting<Integer> HEALTH_RATE_LIMIT_MAX_COOLDOWN_SECONDS = of(
      "HEALTH_RATE_LIMIT_MAX_COOLDOWN_SECONDS", "integer seconds 0-86400", "300", "Longest cool-down a 429's "
          + "retry-after can ask for; 0 turns cool-downs off.", intRange(0, 86_400));
  public static final Setting<Integer> HEALTH_FLIP_COOLDOWN = of("HEALTH_FLIP_COOLDOWN", "integer seconds >= 0",
      "300", "Seconds after a channel's last status change during which automation does not enable it again or "
          + "disable it for a slow test (a dead key is still disabled at once).", intRange(0, 86_400));
  public static final Setting<Integer> HEALTH_LEADER_LEASE = of("HEALTH_LEADER_LEASE", "integer seconds 2-300",
      "15", "Lease of the health worker that runs scheduled tests; renewed every third of it. When the leader dies "
          + "another worker takes over within one lease.", intRange(2, 300));
  // ---- relay (gateway /v1) ---------------------------------------------------------------------------------
  public static final Setting<Integer> MAX_REQUEST_BODY_MB = of("MAX_REQUEST_BODY_MB", "integer MB 1-1024", "64",
      "Largest request body the relay accepts (JSON and multipart audio); larger bodies get 413.", intRange(1, 1024));
  public static final Setting<String> TRUSTED_PROXIES = of("TRUSTED_PROXIES", "comma-separated IPs/CIDRs", "",
      "Peers whose X-Forwarded-For header is believed when finding the client IP (token subnet checks, the /api "
          + "and login rate limits); empty means the header is ignored and the TCP peer address is the client. "
          + "Behind a reverse proxy or load balancer set it to the proxy's addresses: otherwise every client shares "
          + "the proxy's address and its login limits (CRITICAL_RATE_LIMIT).", Parsers::string);
  public static final Setting<Integer> STREAM_IDLE_TIMEOUT = of("STREAM_IDLE_TIMEOUT", "integer seconds 1-3600",
      "120", "A stream whose upstream sends nothing for this many seconds after its first chunk is cut (error event, "
          + "billed for what was delivered). Applies only between chunks of a started stream: never to the wait "
          + "for the first byte or to a non-stream answer (see UPSTREAM_FIRST_BYTE_TIMEOUT, RELAY_TIMEOUT).",
      intRange(1, 3600));
  public static final Setting<Integer> UPSTREAM_FIRST_BYTE_TIMEOUT = of("UPSTREAM_FIRST_BYTE_TIMEOUT",
      "integer seconds >= 0", "0", "Seconds an upstream attempt may take to send its first byte (the response head; "
          + "for a stream, its first chunk); when it passes, the attempt counts as a timeout and is retried on "
          + "another channel (RetryTimes) while RELAY_TIMEOUT allows. A channel's config JSON key "
          + "\"first_byte_timeout\" (seconds) overrides it. 0 means none.", intRange(0, 86_400));
  public static final Setting<Integer> UPSTREAM_CONNECT_TIMEOUT = of("UPSTREAM_CONNECT_TIMEOUT",
      "integer seconds 1-300", "10", "Connect timeout of upstream (provider) connections.", intRange(1, 300));
  public static final Setting<Integer> UPSTREAM_MAX_CONNECTIONS = of("UPSTREAM_MAX_CONNECTIONS",
      "integer 1-100000", "2048", "Pooled keep-alive connections per upstream host and gateway node.",
      intRange(1, 100_000));
  public static final Setting<String> USAGE_SPILL_DIR = of("USAGE_SPILL_DIR", "directory path", null,
      "Where the gateway journals every usage event and attempt outcome before the request is answered (one "
          + "subdirectory per node, gateway-<PORT>); records stay until Kafka acknowledged them and are replayed at "
          + "start-up, so a killed node loses nothing. Unset: DATA_DIR/usage-spill.", Parsers::string);
  public static final Setting<Integer> USAGE_EVENT_LINGER_MS = of("USAGE_EVENT_LINGER_MS", "integer 0-5000", "200",
      "How long a gateway node collects usage events and attempt outcomes into one Kafka batch. Longer means fewer "
          + "wake-ups of the broker and the workers; events reach the billing worker that much later.",
      intRange(0, 5000));
  public static final Setting<Integer> BALANCE_LEASE_MAX_QUOTA = of("BALANCE_LEASE_MAX_QUOTA",
      "integer quota 0-1000000000", "500000", "Most quota a gateway node leases ahead from a user's (or limited "
          + "token's) live balance so that it admits requests without a Hazelcast round trip (500000 = $1); leases "
          + "are only taken while 16 times the lease is left, and given back after 1 s unused. 0 = no leases.",
      intRange(0, 1_000_000_000));
  public static final Setting<Integer> CHANNEL_UPDATE_FREQUENCY = of("CHANNEL_UPDATE_FREQUENCY",
      "integer minutes >= 0", "0", "Minutes between refreshes of upstream channel balances by the billing worker "
          + "(providers that expose one; POLLING_INTERVAL seconds between channels); 0 turns it off. One API "
          + "documents this variable but no longer reads it.", intRange(0, 525_600));
  public static final Setting<Integer> LOG_RETENTION_DAYS = of("LOG_RETENTION_DAYS", "integer days >= 0", "0",
      "Billing worker drops monthly log partitions whose whole month is older than this many days; 0 keeps logs "
          + "forever (One API's behaviour).", intRange(0, 36_500));
  public static final Setting<Integer> USAGE_DEDUP_RETENTION_DAYS = of("USAGE_DEDUP_RETENTION_DAYS",
      "integer days 8-3650", "35", "How long applied usage request ids are kept for exactly-once billing; must "
          + "exceed the usage topic's Kafka retention (7 days by default).", intRange(8, 3650));

  /** Every setting, in documentation order. */
  public static final List<Setting<?>> ALL = List.of(
      PORT, SQL_DSN, SESSION_SECRET, CRYPTO_SECRET, POLLING_INTERVAL, BATCH_UPDATE_ENABLED, BATCH_UPDATE_INTERVAL,
      CHANNEL_TEST_FREQUENCY, SYNC_FREQUENCY, RELAY_TIMEOUT, GLOBAL_API_RATE_LIMIT, GLOBAL_WEB_RATE_LIMIT,
      CRITICAL_RATE_LIMIT, LOGIN_FAILURE_LIMIT, INITIAL_ROOT_TOKEN, INITIAL_ROOT_ACCESS_TOKEN, NODE_TYPE,
      FRONTEND_BASE_URL, DEBUG,
      KAFKA_BOOTSTRAP_SERVERS, KAFKA_TOPIC_PREFIX, KAFKA_PARTITIONS, KAFKA_REPLICATION_FACTOR,
      KAFKA_MIN_INSYNC_REPLICAS, HAZELCAST_CLUSTER_NAME, HAZELCAST_MEMBERS,
      HAZELCAST_INTERFACE,
      HAZELCAST_KUBERNETES_SERVICE_DNS,
      BIND_ADDRESS, ALLOWED_HOSTS, HAZELCAST_PORT, BILLING_WORKER_PORT, HEALTH_WORKER_PORT,
      METRICS_TOKEN, METRICS_PORT, METRICS_BIND_ADDRESS, DATA_DIR,
      EMBEDDED_POSTGRES_PORT, EMBEDDED_KAFKA_PORT, LOG_FORMAT, LOG_LEVEL, SQL_MAX_OPEN_CONNS, STARTUP_TIMEOUT,
      DRAIN_DELAY, DRAIN_TIMEOUT,
      // health worker
      CHANNEL_TEST_FREQUENCY_SECONDS, TEST_PROMPT, HEALTH_TEST_MODEL, HEALTH_TEST_TIMEOUT, HEALTH_ERROR_RATE_WINDOW,
      HEALTH_ERROR_RATE_WINDOW_SECONDS, HEALTH_ERROR_RATE_MIN_SAMPLES, HEALTH_ERROR_RATE_THRESHOLD,
      HEALTH_BREAKER_CONSECUTIVE_FAILURES, HEALTH_BREAKER_OPEN_SECONDS, HEALTH_BREAKER_MAX_OPEN_SECONDS,
      HEALTH_RATE_LIMIT_COOLDOWN_SECONDS, HEALTH_RATE_LIMIT_MAX_COOLDOWN_SECONDS, HEALTH_FLIP_COOLDOWN,
      HEALTH_LEADER_LEASE,
      // relay

      MAX_REQUEST_BODY_MB, TRUSTED_PROXIES, STREAM_IDLE_TIMEOUT, UPSTREAM_FIRST_BYTE_TIMEOUT, UPSTREAM_CONNECT_TIMEOUT,
      UPSTREAM_MAX_CONNECTIONS,
      USAGE_SPILL_DIR, USAGE_EVENT_LINGER_MS, BALANCE_LEASE_MAX_QUOTA,
      // billing
      CHANNEL_UPDATE_FREQUENCY, LOG_RETENTION_DAYS, USAGE_DEDUP_RETENTION_DAYS);


  private static <T> Setting<T> of(String name, String type, String def, String doc, Function<String, T> parser) {
    return new Setting<>(name, type, def, doc, parser, false);
  }

  private static <T> Setting<T> secret(String name, String type, String def, String doc,
                                       Function<String, T> parser) {
    return new Setting<>(name, type, def, doc, parser, true);
  }

  private static String httpUrl(String raw) {
    if (!raw.startsWith("http://") && !raw.startsWith("https://")) {
      throw new IllegalArgumentException("");
    }
    return raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw;
  }

  private static String topicPrefix(String raw) {
    if (!raw.matches("[a-zA-Z0-9._-]*")) {
      throw new IllegalArgumentException("");
    }
    return raw;
  }

}
