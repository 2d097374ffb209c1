package io.onegate.health.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.common.domain.Channel;
import io.onegate.common.error.FailureClass;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class OpenAiCompatibleProberClassifyTest {

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', value = {
      // status | body                                                                          | expected
      "401 | {\"error\":{\"message\":\"Incorrect API key\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}} | INVALID_KEY",
      "401 | not json                                                                            | INVALID_KEY",
      "400 | {\"error\":{\"message\":\"bad\",\"type\":\"authentication_error\"}}                   | INVALID_KEY",
      "429 | {\"error\":{\"message\":\"You exceeded your current quota\",\"type\":\"insufficient_quota\",\"code\":\"insufficient_quota\"}} | QUOTA_EXHAUSTED",
      "429 | {\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}} | RATE_LIMITED",
      "403 | {\"error\":{\"message\":\"deactivated\",\"code\":\"account_deactivated\"}}           | ACCOUNT_DISABLED",
      "402 | {}                                                                                  | QUOTA_EXHAUSTED",
      "404 | {\"error\":{\"message\":\"no\",\"code\":\"model_not_found\"}}                        | MODEL_UNAVAILABLE",
      "500 | {\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}                         | TRANSIENT",
      "503 | <html>busy</html>                                                                   | TRANSIENT",
      "504 |                                                                                     | TIMEOUT",
      "400 | {\"error\":{\"message\":\"your credit balance is too low\",\"type\":\"invalid_request_error\"}} | BAD_REQUEST",
      "200 | {\"choices\":[]}                                                                    | TRANSIENT",
      "200 | {\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"gpt-4o\"}}],\"usage\":{}} | NONE",
  })
  void classifiesFromStatusAndStructuredErrorNeverFromMessageText(int status, String body, FailureClass expected) {
    ProbeResult r = OpenAiCompatibleProber.classify(status, Buffer.buffer(body == null ? "" : body), 42);
    assertThat(r.failureClass()).isEqualTo(expected);
    assertThat(r.success()).isEqualTo(expected == FailureClass.NONE);
    assertThat(r.httpStatus()).isEqualTo(status);
    assertThat(r.latencyMillis()).isEqualTo(42);
  }

  private static Channel channel(String... models) {
    return new Channel(1, 1, "sk-test", 1, "c", 0, "", List.of(models), List.of("default"), Map.of(), 0,
        Map.of(), "", "");
  }

  @Test
  void testModelIsThePreferredOneOnlyWhenListedExactly() {
    assertThat(TestModelChooser.choose(channel("gpt-4o", "gpt-3.5-turbo"), "gpt-3.5-turbo")).contains("gpt-3.5-turbo");
    // One API's substring check would have accepted "gpt-3.5-turbo-16k" for "gpt-3.5-turbo"
    assertThat(TestModelChooser.choose(channel("gpt-3.5-turbo-16k", "gpt-4o"), "gpt-3.5-turbo"))
        .contains("gpt-3.5-turbo-16k");
  }

  @Test
  void testModelSkipsImageAudioAndEmbeddingModels() {
    // One API #1090: the first model (dall-e-3) was used for a chat test
    assertThat(TestModelChooser.choose(channel("dall-e-3", "whisper-1", "text-embedding-3-small", "tts-1",
        "gpt-4o-mini"), "gpt-3.5-turbo")).contains("gpt-4o-mini");
    assertThat(TestModelChooser.choose(channel("dall-e-3", "tts-1"), "gpt-3.5-turbo")).isEmpty();
  }
}
