package io.onegate.providers.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.onegate.providers.spi.Usage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one OpenAI usage reader ({@link OpenAiBodies#usageOf}): its rules as a table. */
class OpenAiUsageTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      // body | prompt | completion | audio seconds (-1: NONE)
      "{\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":12,\"total_tokens\":21}} | 9 | 12 | 0",
      // embeddings: prompt and total
      "{\"object\":\"list\",\"usage\":{\"prompt_tokens\":8,\"total_tokens\":8}} | 8 | 0 | 0",
      // rerank (Jina): only total tokens, all of it input
      "{\"results\":[],\"usage\":{\"total_tokens\":120}} | 120 | 0 | 0",
      "{\"usage\":{\"prompt_tokens\":0,\"total_tokens\":8}} | 8 | 0 | 0",
      // a prompt and a larger total, no completion: the completion is the difference
      "{\"usage\":{\"prompt_tokens\":5,\"total_tokens\":12}} | 5 | 7 | 0",
      // Responses-style names (gpt-4o-transcribe's token usage)
      "{\"text\":\"hi\",\"usage\":{\"type\":\"tokens\",\"input_tokens\":14,\"output_tokens\":3,\"total_tokens\":17}} | 14 | 3 | 0",
      // whisper's duration usage, and verbose_json's duration
      "{\"text\":\"hi\",\"usage\":{\"type\":\"duration\",\"seconds\":12.5}} | 0 | 0 | 12.5",
      "{\"task\":\"transcribe\",\"duration\":3.25,\"text\":\"hi\"} | 0 | 0 | 3.25",
      // usage fields of nested objects are not the body's usage
      "{\"choices\":[{\"usage\":{\"prompt_tokens\":99}}],\"meta\":{\"usage\":{\"prompt_tokens\":98}},\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":1}} | 2 | 1 | 0",
      // negative and non-numeric counts are 0
      "{\"usage\":{\"prompt_tokens\":-4,\"completion_tokens\":\"7\",\"total_tokens\":3}} | 3 | 0 | 0",
      // nothing reported: NONE (the relay then estimates)
      "{\"id\":\"x\"} | 0 | 0 | -1",
      "{\"usage\":null} | 0 | 0 | -1",
      "{\"usage\":{\"prompt_tokens\":0,\"completion_tokens\":0}} | 0 | 0 | -1",
      "<html>oops</html> | 0 | 0 | -1",
      "{\"usage\":{\"prompt_tokens\": | 0 | 0 | -1"
  })
  void readsTheTopLevelUsage(String body, long prompt, long completion, double seconds) {
    Usage usage = OpenAiBodies.usageOf(Buffer.buffer(body));
    if (seconds < 0) {
      assertThat(usage).isEqualTo(Usage.NONE);
    } else {
      assertThat(usage).isEqualTo(new Usage(prompt, completion, Usage.Source.REPORTED, seconds));
    }
  }

  @Test
  void aParsedChunkReadsTheSame() {
    String chunk = "{\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":9,"
        + "\"total_tokens\":21,\"prompt_tokens_details\":{\"cached_tokens\":0}}}";
    assertThat(OpenAiBodies.usageOf(new JsonObject(chunk))).isEqualTo(new Usage(12, 9, Usage.Source.REPORTED));
  }
}
