-- One API compatible tables (column names = One API's JSON field names; see docs/architecture.md).
-- Times are Unix seconds (bigint), as in One API.

CREATE TABLE users (
    id             serial PRIMARY KEY,
    username       varchar(64)  NOT NULL UNIQUE,
    password       varchar(255) NOT NULL,
    display_name   varchar(64)  NOT NULL DEFAULT '',
    role           integer      NOT NULL DEFAULT 1,
    status         integer      NOT NULL DEFAULT 1,
    email          varchar(128) NOT NULL DEFAULT '',
    github_id      varchar(64)  NOT NULL DEFAULT '',
    wechat_id      varchar(64)  NOT NULL DEFAULT '',
    lark_id        varchar(64)  NOT NULL DEFAULT '',
    oidc_id        varchar(64)  NOT NULL DEFAULT '',
    access_token   char(32)     UNIQUE,
    quota          bigint       NOT NULL DEFAULT 0,
    used_quota     bigint       NOT NULL DEFAULT 0,
    request_count  integer      NOT NULL DEFAULT 0,
    "group"        varchar(32)  NOT NULL DEFAULT 'default',
    aff_code       varchar(32)  UNIQUE,
    inviter_id     integer      NOT NULL DEFAULT 0,
    created_time   bigint       NOT NULL DEFAULT 0,
    password_changed boolean    NOT NULL DEFAULT true,
    version        bigint       NOT NULL DEFAULT 0
);
CREATE INDEX idx_users_email ON users (email);
CREATE INDEX idx_users_status ON users (status);

CREATE TABLE tokens (
    id               serial PRIMARY KEY,
    user_id          integer      NOT NULL,
    key              char(48)     NOT NULL UNIQUE,
    status           integer      NOT NULL DEFAULT 1,
    name             varchar(64)  NOT NULL DEFAULT '',
    created_time     bigint       NOT NULL DEFAULT 0,
    accessed_time    bigint       NOT NULL DEFAULT 0,
    expired_time     bigint       NOT NULL DEFAULT -1,
    remain_quota     bigint       NOT NULL DEFAULT 0,
    unlimited_quota  boolean      NOT NULL DEFAULT false,
    used_quota       bigint       NOT NULL DEFAULT 0,
    models           text,
    subnet           text         DEFAULT '',
    version          bigint       NOT NULL DEFAULT 0
);
CREATE INDEX idx_tokens_user_id ON tokens (user_id);
CREATE INDEX idx_tokens_name ON tokens (name);

CREATE TABLE channels (
    id                    serial PRIMARY KEY,
    type                  integer      NOT NULL DEFAULT 0,
    key                   text         NOT NULL,
    status                integer      NOT NULL DEFAULT 1,
    name                  varchar(128) NOT NULL DEFAULT '',
    weight                integer      NOT NULL DEFAULT 0,
    created_time          bigint       NOT NULL DEFAULT 0,
    test_time             bigint       NOT NULL DEFAULT 0,
    response_time         integer      NOT NULL DEFAULT 0,
    base_url              text         DEFAULT '',
    other                 text         DEFAULT '',
    balance               double precision NOT NULL DEFAULT 0,
    balance_updated_time  bigint       NOT NULL DEFAULT 0,
    models                text         NOT NULL DEFAULT '',
    "group"               varchar(255) NOT NULL DEFAULT 'default',
    used_quota            bigint       NOT NULL DEFAULT 0,
    model_mapping         text         DEFAULT '',
    priority              bigint       NOT NULL DEFAULT 0,
    config                text         NOT NULL DEFAULT '',
    system_prompt         text,
    status_changed_time   bigint       NOT NULL DEFAULT 0,
    status_reason         text         NOT NULL DEFAULT '',
    version               bigint       NOT NULL DEFAULT 0
);
CREATE INDEX idx_channels_name ON channels (name);

CREATE TABLE abilities (
    "group"     varchar(32)  NOT NULL,
    model       varchar(255) NOT NULL,
    channel_id  integer      NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    enabled     boolean      NOT NULL DEFAULT true,
    priority    bigint       NOT NULL DEFAULT 0,
    PRIMARY KEY ("group", model, channel_id)
);
CREATE INDEX idx_abilities_channel_id ON abilities (channel_id);

CREATE TABLE options (
    key    varchar(255) PRIMARY KEY,
    value  text NOT NULL DEFAULT ''
);

CREATE TABLE redemptions (
    id             serial PRIMARY KEY,
    user_id        integer      NOT NULL DEFAULT 0,
    key            char(32)     NOT NULL UNIQUE,
    status         integer      NOT NULL DEFAULT 1,
    name           varchar(64)  NOT NULL DEFAULT '',
    quota          bigint       NOT NULL DEFAULT 100,
    created_time   bigint       NOT NULL DEFAULT 0,
    redeemed_time  bigint       NOT NULL DEFAULT 0,
    redeemed_by    integer      NOT NULL DEFAULT 0
);
CREATE INDEX idx_redemptions_name ON redemptions (name);

-- Logs are partitioned by month on created_at (Unix seconds) so retention drops whole partitions and the
-- admin queries prune by time. A default partition catches anything outside the created ranges; the billing
-- worker creates monthly partitions ahead of time.
CREATE TABLE logs (
    id                   bigserial,
    user_id              integer      NOT NULL DEFAULT 0,
    created_at           bigint       NOT NULL,
    type                 integer      NOT NULL DEFAULT 0,
    content              text         NOT NULL DEFAULT '',
    username             varchar(64)  NOT NULL DEFAULT '',
    token_name           varchar(64)  NOT NULL DEFAULT '',
    model_name           varchar(255) NOT NULL DEFAULT '',
    quota                bigint       NOT NULL DEFAULT 0,
    prompt_tokens        integer      NOT NULL DEFAULT 0,
    completion_tokens    integer      NOT NULL DEFAULT 0,
    channel_id           integer      NOT NULL DEFAULT 0,
    request_id           varchar(64)  NOT NULL DEFAULT '',
    elapsed_time         bigint       NOT NULL DEFAULT 0,
    is_stream            boolean      NOT NULL DEFAULT false,
    system_prompt_reset  boolean      NOT NULL DEFAULT false,
    token_id             integer      NOT NULL DEFAULT 0,
    PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);
CREATE TABLE logs_default PARTITION OF logs DEFAULT;
CREATE INDEX idx_logs_created_at ON logs (created_at DESC, id DESC);
CREATE INDEX idx_logs_user_created ON logs (user_id, created_at DESC);
CREATE INDEX idx_logs_type_created ON logs (type, created_at DESC);
CREATE INDEX idx_logs_model_created ON logs (model_name, created_at DESC);
CREATE INDEX idx_logs_token_created ON logs (token_name, created_at DESC);
CREATE INDEX idx_logs_channel_created ON logs (channel_id, created_at DESC);
CREATE INDEX idx_logs_username_created ON logs (username, created_at DESC);

-- ---- OneGate's pipeline tables ------------------------------------------------------------------------------

-- Every usage event applied to the ledger, by request id: a redelivered event is skipped (exactly-once apply).
CREATE TABLE usage_applied (
    request_id   varchar(64) PRIMARY KEY,
    applied_at   bigint      NOT NULL
);

-- Kafka offsets stored with the data they produced (committed in the same transaction).
CREATE TABLE consumer_offsets (
    consumer_group  varchar(128) NOT NULL,
    topic           varchar(255) NOT NULL,
    partition       integer      NOT NULL,
    next_offset     bigint       NOT NULL,
    PRIMARY KEY (consumer_group, topic, partition)
);
