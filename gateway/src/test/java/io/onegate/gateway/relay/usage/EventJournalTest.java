package io.onegate.gateway.relay.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event journal on its own: order, restart, acknowledged prefix, torn tail, segment truncation, one owner. */
class EventJournalTest {
  @TempDir
  Path dir;

  @Test
  void recordsComeBackInOrderWithTheirContentAfterAReopen() throws IOException {
    try (EventJournal journal = new EventJournal(dir, 4096)) {
      for (int i = 1; i <= 50; i++) {
        journal.append("usage", i % 2 == 0 ? null : "user-" + i, utf8("{\"request_id\":\"r" + i + "\",\"é\":\"ü\"}"));
      }
      assertThat(values(journal)).hasSize(50).first().isEqualTo("{\"request_id\":\"r1\",\"é\":\"ü\"}");
    }
    try (EventJournal reopened = new EventJournal(dir, 4096)) {
      List<EventJournal.Entry> all = entries(reopened);
      assertThat(all).extracting(EventJournal.Entry::seq).containsExactlyElementsOf(range(1, 50));
      assertThat(all.get(1).key()).isNull();
      assertThat(all.get(2).key()).isEqualTo("user-3");
      assertThat(all.get(2).topic()).isEqualTo("usage");
      assertThat(reopened.pending()).isEqualTo(50);
    }
  }

  @Test
  void onlyWhatKafkaDidNotAcknowledgeIsReadAgainAndAcknowledgedSegmentsAreDeleted() throws IOException {
    try (EventJournal journal = new EventJournal(dir, 1024)) {
      for (int i = 1; i <= 100; i++) {
        journal.append("usage", "k", utf8("{\"request_id\":\"r" + i + "\"}"));
      }
      List<EventJournal.Entry> all = entries(journal);
      assertThat(segmentFiles()).as("100 records of ~40 bytes over 1 KiB segments").hasSizeGreaterThan(3);
      journal.acknowledge(all.get(69).seq());
      assertThat(journal.pending()).isEqualTo(30);
      assertThat(segmentFiles()).as("segments wholly acknowledged are gone").hasSizeLessThan(3);
    }
    try (EventJournal reopened = new EventJournal(dir, 1024)) {
      assertThat(entries(reopened)).extracting(EventJournal.Entry::seq).containsExactlyElementsOf(range(71, 100));
      long next = reopened.append("usage", "k", utf8("{\"request_id\":\"r101\"}"));
      assertThat(next).as("sequence numbers continue across restarts").isEqualTo(101);
    }
  }

  @Test
  void aTornLastRecordIsDroppedAndTheRestKept() throws IOException {
    Path segment;
    try (EventJournal journal = new EventJournal(dir, 4096)) {
      for (int i = 1; i <= 3; i++) {
        journal.append("usage", "k", utf8("{\"request_id\":\"r" + i + "\"}"));
      }
      segment = segmentFiles().get(0);
    }
    byte[] bytes = Files.readAllBytes(segment);
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    int last = text.indexOf("r3");
    try (RandomAccessFile raf = new RandomAccessFile(segment.toFile(), "rw")) {
      raf.seek(last);
      raf.write('X'); // the copy of the last record never finished
    }
    try (EventJournal reopened = new EventJournal(dir, 4096)) {
      assertThat(values(reopened)).containsExactly("{\"request_id\":\"r1\"}", "{\"request_id\":\"r2\"}");
    }
  }

  @Test
  void rewindReadsTheSameRecordsAgain() throws IOException {
    try (EventJournal journal = new EventJournal(dir, 512)) {
      for (int i = 1; i <= 30; i++) {
        journal.append("attempts", "7", utf8("{\"attempt_id\":\"a" + i + "\"}"));
      }
      List<EventJournal.Entry> first = entries(journal);
      journal.acknowledge(first.get(9).seq());
      journal.rewind(first.get(10));
      assertThat(entries(journal)).extracting(EventJournal.Entry::seq).containsExactlyElementsOf(range(11, 30));
    }
  }

  @Test
  void aLargeRecordGetsASegmentOfItsOwn() throws IOException {
    String big = "{\"content\":\"" + "x".repeat(5000) + "\"}";
    try (EventJournal journal = new EventJournal(dir, 1024)) {
      journal.append("usage", "k", utf8("{\"request_id\":\"small\"}"));
      journal.append("usage", "k", utf8(big));
      journal.append("usage", "k", utf8("{\"request_id\":\"after\"}"));
      assertThat(values(journal)).containsExactly("{\"request_id\":\"small\"}", big, "{\"request_id\":\"after\"}");
    }
  }

  @Test
  void readsAcrossReadChunksAndRecordsLargerThanAChunk() throws IOException {
    String huge = "{\"content\":\"" + "y".repeat(EventJournal.READ_CHUNK + 1000) + "\"}";
    List<String> written = new ArrayList<>();
    try (EventJournal journal = new EventJournal(dir, 4 * 1024 * 1024)) {
      for (int i = 0; i < 3000; i++) {
        String v = "{\"request_id\":\"r" + i + "\",\"pad\":\"" + "p".repeat(i % 300) + "\"}";
        written.add(v);
        journal.append("usage", "k" + i, utf8(v));
        if (i == 1500) {
          written.add(huge);
          journal.append("usage", "big", utf8(huge));
        }
      }
      assertThat(values(journal)).containsExactlyElementsOf(written);
    }
    try (EventJournal reopened = new EventJournal(dir, 4 * 1024 * 1024)) {
      assertThat(values(reopened)).as("the same through the recovery path (CRC checked)")
          .containsExactlyElementsOf(written);
    }
  }

  @Test
  void aDirectoryHasOneLiveOwner() throws IOException {
    try (EventJournal journal = new EventJournal(dir, 4096)) {
      assertThatThrownBy(() -> new EventJournal(dir, 4096)).isInstanceOf(IOException.class)
          .hasMessageContaining("in use by another running process");
    }
  }

  @Test
  void theSpillFileOfThePreviousVersionIsImported() throws IOException {
    Files.writeString(dir.resolve(EventJournal.LEGACY_SPILL_FILE),
        "usage\t5\t{\"request_id\":\"old-1\"}\nattempts\t9\t{\"attempt_id\":\"old-a\"}\n", StandardCharsets.UTF_8);
    try (EventJournal journal = new EventJournal(dir, 4096)) {
      List<EventJournal.Entry> all = entries(journal);
      assertThat(all).extracting(EventJournal.Entry::topic).containsExactly("usage", "attempts");
      assertThat(all).extracting(EventJournal.Entry::key).containsExactly("5", "9");
      assertThat(Files.exists(dir.resolve(EventJournal.LEGACY_SPILL_FILE))).isFalse();
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private List<Path> segmentFiles() throws IOException {
    try (var files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".journal")).sorted().toList();
    }
  }

  private static List<EventJournal.Entry> entries(EventJournal journal) {
    List<EventJournal.Entry> out = new ArrayList<>();
    EventJournal.Entry e;
    while ((e = journal.next()) != null) {
      out.add(e);
    }
    return out;
  }

  private static List<String> values(EventJournal journal) {
    return entries(journal).stream().map(e -> new String(e.value(), StandardCharsets.UTF_8)).toList();
  }

  private static List<Long> range(long from, long to) {
    List<Long> out = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      out.add(i);
    }
    return out;
  }
}
