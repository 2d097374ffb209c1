package io.onegate.gateway.relay.usage;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Append-only file of records not yet handed to Kafka: one line each, {@code topic TAB key TAB value} (values are
 * single-line JSON). Used only by the emitter thread (and, synchronized, by the rare overflow path). Survives
 * restarts: records found at start are replayed.
 */
final class SpillFile {
  private final Path path;
  private BufferedWriter writer;
  private long lines;

  SpillFile(Path dir) throws IOException {
    Files.createDirectories(dir);
    this.path = dir.resolve("pending-events.log");
    if (Files.exists(path)) {
      try (var stream = Files.lines(path, StandardCharsets.UTF_8)) {
        lines = stream.filter(l -> !l.isEmpty()).count();
      }
    }
  }

  synchronized void append(EventRecord record) throws IOException {
    if (writer == null) {
      writer = Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    }
    writer.write(record.topic());
    writer.write('\t');
    writer.write(record.key());
    writer.write('\t');
    writer.write(record.value());
    writer.write('\n');
    writer.flush();
    lines++;
  }

  synchronized boolean isEmpty() {
    return lines == 0;
  }

  synchronized long size() {
    return lines;
  }

  synchronized List<EventRecord> readAll() throws IOException {
    List<EventRecord> out = new ArrayList<>();
    if (!Files.exists(path)) {
      return out;
    }
    for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
      int a = line.indexOf('\t');
      int b = a < 0 ? -1 : line.indexOf('\t', a + 1);
      if (b > 0) {
        out.add(new EventRecord(line.substring(0, a), line.substring(a + 1, b), line.substring(b + 1)));
      }
    }
    return out;
  }

  /** Drops the first {@code count} records (they reached Kafka); later appends are kept. */
  synchronized void dropFirst(int count) throws IOException {
    List<EventRecord> all = readAll();
    if (writer != null) {
      writer.close();
      writer = null;
    }
    Path tmp = path.resolveSibling("pending-events.tmp");
    try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      for (EventRecord r : all.subList(Math.min(count, all.size()), all.size())) {
        w.write(r.topic() + '\t' + r.key() + '\t' + r.value() + '\n');
      }
    }
    Files.move(tmp, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    lines = Math.max(0, all.size() - count);
  }

  synchronized void close() throws IOException {
    if (writer != null) {
      writer.close();
      writer = null;
    }
  }
}
