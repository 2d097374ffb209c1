package io.onegate.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigTest {

  @Test
  void defaultsFollowOneApi() {
    Config config = Config.of(Map.of());
    assertThat(config.get(Settings.PORT)).isEqualTo(3000);
    assertThat(config.get(Settings.BATCH_UPDATE_INTERVAL)).isEqualTo(5);
    assertThat(config.get(Settings.SYNC_FREQUENCY)).isEqualTo(600);
    assertThat(config.get(Settings.GLOBAL_API_RATE_LIMIT)).isEqualTo(480);
    assertThat(config.get(Settings.GLOBAL_WEB_RATE_LIMIT)).isEqualTo(240);
    assertThat(config.get(Settings.NODE_TYPE)).isEqualTo("master");
    assertThat(config.find(Settings.SQL_DSN)).isEmpty();
  }

  @Test
  void nonNumericPortStopsWithOneLineNamingVariableValueAndAllowed() {
    assertThatThrownBy(() -> Config.of(Map.of("PORT", "abc")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("PORT=abc is invalid: expected integer 1-65535 (not a whole number)");
  }

  @Test
  void negativeBatchIntervalIsRefused() {
    assertThatThrownBy(() -> Config.of(Map.of("BATCH_UPDATE_INTERVAL", "-1")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("BATCH_UPDATE_INTERVAL=-1 is invalid: expected integer seconds 1-3600 (out of range)");
  }

  @Test
  void oneApiExampleSessionSecretIsRefusedAndNotEchoed() {
    assertThatThrownBy(() -> Config.of(Map.of("SESSION_SECRET", "random_string")))
        .hasMessageStartingWith("SESSION_SECRET=<hidden> is invalid")
        .hasMessageNotContaining("random_string is invalid");
  }

  @Test
  void sqlDsnMustBePostgres() {
    assertThatThrownBy(() -> Config.of(Map.of("SQL_DSN", "root:pw@tcp(localhost:3306)/oneapi")))
        .hasMessageStartingWith("SQL_DSN=root:pw@tcp(localhost:3306)/oneapi is invalid: expected postgres:// DSN");
    Config ok = Config.of(Map.of("SQL_DSN", "postgres://u:p%40ss@db.local:6543/onegate?sslmode=disable"));
    PostgresDsn dsn = PostgresDsn.parse(ok.get(Settings.SQL_DSN));
    assertThat(dsn.host()).isEqualTo("db.local");
    assertThat(dsn.port()).isEqualTo(6543);
    assertThat(dsn.password()).isEqualTo("p@ss");
    assertThat(dsn.jdbcUrl()).isEqualTo("jdbc:postgresql://db.local:6543/onegate?sslmode=disable");
    assertThat(dsn.toString()).doesNotContain("p@ss");
  }

  @Test
  void booleansAreStrict() {
    assertThat(Config.of(Map.of("BATCH_UPDATE_ENABLED", "FALSE")).get(Settings.BATCH_UPDATE_ENABLED)).isFalse();
    assertThatThrownBy(() -> Config.of(Map.of("BATCH_UPDATE_ENABLED", "yes")))
        .hasMessage("BATCH_UPDATE_ENABLED=yes is invalid: expected true|false");
  }

  @Test
  void kafkaServersNeedPorts() {
    assertThatThrownBy(() -> Config.of(Map.of("KAFKA_BOOTSTRAP_SERVERS", "broker1")))
        .hasMessageStartingWith("KAFKA_BOOTSTRAP_SERVERS=broker1 is invalid: expected host:port list");
  }

  @Test
  void everySettingHasAUniqueNameAndItsDefaultParses() {
    assertThat(Settings.ALL).extracting(Setting::name).doesNotHaveDuplicates();
    for (Setting<?> setting : Settings.ALL) {
      if (setting.defaultValue() != null) {
        assertThat(setting.parse(null)).as(setting.name()).isPresent();
      }
    }
  }
}
