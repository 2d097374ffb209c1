package io.onegate.gateway.relay.usage;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's append-only journal of event records: what makes {@link EventEmitter#emit} durable against the death
 * of the process before it returns.
 *
 * <p><b>Writing</b> ({@link #append}, any thread, serialized by a lock held for one positional write): a record is
 * written to the current segment file with one {@code pwrite}. The data is then in the OS page cache, so the record
 * survives a {@code kill -9} of the JVM the moment the call returns. Power loss or a kernel crash is covered by a
 * group {@code fdatasync} ({@link #sync}), which the emitter thread runs every {@code FSYNC_INTERVAL}; records younger
 * than that may be lost with the machine (never with the process). (Plain writes rather than a memory mapping: a
 * mapping is released only when the garbage collector finds its buffer, so deleted segments would keep disk space
 * and memory for an unbounded time; one system call per record costs a microsecond or two.)
 *
 * <p><b>Reading</b> ({@link #next}, {@link #rewind}, {@link #acknowledge}: the emitter thread only): a cursor walks
 * the records in journal order; the emitter hands them to Kafka and reports the highest sequence number below which
 * Kafka acknowledged everything. That watermark is kept in the {@code acked} checkpoint file (16 bytes, mapped once),
 * and a segment is deleted once all of its records are at or below it.
 *
 * <p><b>Start-up</b>: the segments found are scanned (each record carries a CRC32C; the first torn or zero record
 * ends a segment — only the record being copied when the process died can be torn, and its emit never returned);
 * records above the watermark are read again and re-sent. A record may therefore reach Kafka twice (acknowledged,
 * then the process died before the checkpoint moved); the billing worker de-duplicates by request id. A journal
 * directory belongs to one live process at a time ({@code journal.lock}); a node started on a dead node's directory
 * replays that node's tail, which is exactly what should happen.
 *
 * <p>Record layout: {@code int length | int crc32c | long seq | short topicLength | topic | int keyLength (-1 =
 * null) | key | value}, where length counts the bytes after the 16-byte header and the CRC covers seq and body.
 * Segment layout: {@code int magic | int version}, then records. One directory per node.
 */
final class EventJournal implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventJournal.class);
  static final int MAGIC = 0x4F474A4C; // "OGJL"
  static final int VERSION = 1;
  static final int FILE_HEADER = 8;
  static final int RECORD_HEADER = 16;
  static final String LEGACY_SPILL_FILE = "pending-events.log";
  private static final String SEGMENT_PREFIX = "segment-";
  private static final String SEGMENT_SUFFIX = ".journal";
  private static final int CHECKPOINT_BYTES = 16;
  static final int READ_CHUNK = 256 * 1024;

  /** A record read back from the journal. */
  record Entry(long seq, String topic, String key, byte[] value, Segment segment, int position) {
  }

  private final Path dir;
  private final int segmentBytes;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final MappedByteBuffer checkpoint;
  private final ConcurrentLinkedDeque<Segment> segments = new ConcurrentLinkedDeque<>();
  private final Object writeLock = new Object();
  private final CRC32C writeCrc = new CRC32C(); // under the write lock
  private final ByteBuffer seqBytes = ByteBuffer.allocate(8); // under the write lock
  // reader (emitter thread, and start-up) only: the last chunk read from a segment
  private ByteBuffer chunk = ByteBuffer.allocate(READ_CHUNK);
  private Segment chunkSegment;
  private int chunkStart;
  private Segment current;
  private long nextSeq;
  private volatile long lastAppended;
  private long nextSegmentIndex;
  private volatile Segment spare;
  // reader state: emitter thread only
  private Segment readSegment;
  private int readPosition;
  private long acked;
  private long lastSynced = -1;

  /** Opens (or creates) the journal in {@code dir}; segments of {@code segmentBytes} each. */
  EventJournal(Path dir, int segmentBytes) throws IOException {
    this.dir = dir;
    this.segmentBytes = segmentBytes;
    Files.createDirectories(dir);
    this.lockChannel = FileChannel.open(dir.resolve("journal.lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE);
    FileLock taken;
    try {
      taken = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      taken = null;
    }
    if (taken == null) {
      lockChannel.close();
      throw new IOException("the event journal " + dir + " is in use by another running process");
    }
    this.lock = taken;
    this.checkpoint = map(dir.resolve("acked.checkpoint"), CHECKPOINT_BYTES);
    this.acked = checkpoint.getInt(0) == MAGIC ? checkpoint.getLong(8) : 0;
    recover();
    synchronized (writeLock) {
      current = newSegment();
      segments.add(current);
    }
    importLegacySpill();
  }

  // ---- writing (any thread) -------------------------------------------------------------------------------------

  /** Appends one record; when this returns the record survives the death of this process. Returns its sequence. */
  long append(String topic, String key, byte[] v) throws IOException {
    byte[] t = topic.getBytes(StandardCharsets.UTF_8);
    byte[] k = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
    int bodyLength = 2 + t.length + 4 + (k == null ? 0 : k.length) + v.length;
    int size = RECORD_HEADER + bodyLength;
    ByteBuffer record = ByteBuffer.allocate(size);
    record.position(RECORD_HEADER);
    record.putShort((short) t.length).put(t).putInt(k == null ? -1 : k.length);
    if (k != null) {
      record.put(k);
    }
    record.put(v);
    synchronized (writeLock) {
      Segment seg = current;
      if (seg.capacity - seg.written < size) {
        seg = roll(size);
      }
      long seq = nextSeq++;
      writeCrc.reset();
      writeCrc.update(seqBytes.clear().putLong(0, seq).array(), 0, 8);
      writeCrc.update(record.array(), RECORD_HEADER, bodyLength);
      record.putInt(0, bodyLength).putInt(4, (int) writeCrc.getValue()).putLong(8, seq).clear();
      int start = seg.written;
      writeFully(seg.channel, record, start);
      seg.lastSeq = seq;
      seg.written = start + size;
      seg.committed = start + size; // volatile: publishes the record to the reader
      lastAppended = seq;
      return seq;
    }
  }

  /** Seals the current segment and starts the next (the spare one the emitter prepared, when it fits). */
  private Segment roll(int needed) throws IOException {
    Segment full = current;
    Segment next = spare;
    spare = null;
    if (next == null || next.index < full.index || next.capacity - next.written < needed) {
      if (next != null) {
        delete(next);
      }
      next = newSegment(Math.max(segmentBytes, FILE_HEADER + needed));
    }
    segments.add(next);
    current = next;
    full.sealed = true;
    return next;
  }

  private Segment newSegment() throws IOException {
    return newSegment(segmentBytes);
  }

  private Segment newSegment(int bytes) throws IOException {
    long index;
    synchronized (writeLock) {
      index = nextSegmentIndex++;
    }
    Path file = dir.resolve(String.format("%s%016d%s", SEGMENT_PREFIX, index, SEGMENT_SUFFIX));
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    writeFully(channel, ByteBuffer.allocate(FILE_HEADER).putInt(MAGIC).putInt(VERSION).flip(), 0);
    Segment s = new Segment(file, index, channel, bytes);
    s.written = FILE_HEADER;
    s.committed = FILE_HEADER;
    return s;
  }

  /** Creates the next segment file ahead of need, off the request path (emitter thread). */
  void prepareSpare() throws IOException {
    if (spare == null) {
      Segment s = newSegment();
      synchronized (writeLock) {
        if (spare == null && s.index > current.index) {
          spare = s;
          return;
        }
      }
      delete(s);
    }
  }

  // ---- reading and acknowledging (emitter thread) ---------------------------------------------------------------

  /** The next record after the cursor, or null when the writers have not added one yet. */
  Entry next() {
    while (true) {
      Segment seg = readSegment;
      if (seg == null) {
        seg = segments.peekFirst();
        if (seg == null) {
          return null;
        }
        readSegment = seg;
        readPosition = FILE_HEADER;
      }
      boolean sealed = seg.sealed; // read before committed: a sealed segment's committed is final
      int end = seg.committed;
      if (readPosition + RECORD_HEADER <= end) {
        Decoded d = decode(seg, readPosition, end);
        if (d != null) {
          readPosition = d.entry.position() + RECORD_HEADER + d.bodyLength;
          return d.entry;
        }
        readPosition = end; // unreadable rest of a recovered segment
        continue;
      }
      if (!sealed) {
        return null;
      }
      Segment after = following(seg);
      if (after == null) {
        return null;
      }
      readSegment = after;
      readPosition = FILE_HEADER;
    }
  }

  /** Moves the cursor back so that {@code entry} is read again next. */
  void rewind(Entry entry) {
    readSegment = entry.segment();
    readPosition = entry.position();
  }

  /** Everything up to {@code seq} reached Kafka: moves the checkpoint and deletes segments wholly at or below it. */
  void acknowledge(long seq) {
    if (seq <= acked) {
      return;
    }
    acked = seq;
    checkpoint.putLong(8, seq);
    checkpoint.putInt(0, MAGIC);
    for (Segment s = segments.peekFirst(); s != null && s.sealed && s.lastSeq <= acked && s != readSegment;
         s = segments.peekFirst()) {
      segments.pollFirst();
      delete(s);
    }
  }

  /** Highest sequence number whose record and all before it reached Kafka. */
  long acknowledged() {
    return acked;
  }

  /** Sequence number of the last record appended (the watermark when none was since start-up). */
  long lastAppended() {
    return lastAppended;
  }

  /** Records appended and not yet acknowledged. */
  long pending() {
    return Math.max(0, lastAppended() - acked);
  }

  /** Forces what was appended since the last call to the disk (group commit against power loss). */
  void sync() {
    long last = lastAppended();
    if (last == lastSynced) {
      return;
    }
    for (Segment s : segments) {
      if (s.lastSeq > lastSynced) {
        try {
          s.channel.force(false);
        } catch (IOException e) {
          LOG.warn("cannot force the journal segment {} to disk: {}", s.file, e.getMessage());
        }
      }
    }
    checkpoint.force();
    lastSynced = last;
  }

  @Override
  public void close() throws IOException {
    sync();
    synchronized (writeLock) {
      Segment unused = spare;
      spare = null;
      if (unused != null) {
        delete(unused);
      }
    }
    for (Segment s : segments) {
      s.channel.close();
    }
    lock.release();
    lockChannel.close();
  }

  // ---- start-up ---------------------------------------------------------------------------------------------------

  /** Scans the segments left by a previous run: finds the last sequence and drops what was acknowledged. */
  private void recover() throws IOException {
    List<Path> files = new ArrayList<>();
    try (var listing = Files.list(dir)) {
      listing.filter(p -> p.getFileName().toString().startsWith(SEGMENT_PREFIX)
          && p.getFileName().toString().endsWith(SEGMENT_SUFFIX)).sorted().forEach(files::add);
    }
    long lastSeq = acked;
    long unacked = 0;
    for (Path file : files) {
      String name = file.getFileName().toString();
      long index = Long.parseLong(name.substring(SEGMENT_PREFIX.length(), name.length() - SEGMENT_SUFFIX.length()));
      nextSegmentIndex = Math.max(nextSegmentIndex, index + 1);
      int size = (int) Math.min(Integer.MAX_VALUE, Files.size(file));
      if (size < FILE_HEADER) {
        Files.deleteIfExists(file);
        continue;
      }
      FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
      Segment s = new Segment(file, index, channel, size);
      s.recovered = true; // every record is checked while scanning
      int position = FILE_HEADER;
      long segmentLast = -1;
      ByteBuffer header = ByteBuffer.allocate(FILE_HEADER);
      readFully(channel, header, 0);
      if (header.getInt(0) == MAGIC && header.getInt(4) == VERSION) {
        Decoded d;
        while (position + RECORD_HEADER <= size && (d = decode(s, position, size)) != null) {
          segmentLast = d.entry.seq();
          if (segmentLast > acked) {
            unacked++;
          }
          position += RECORD_HEADER + d.bodyLength;
        }
      } else {
        LOG.warn("ignoring {}: not an event journal segment of this version", file);
      }
      s.written = position;
      s.committed = position;
      s.lastSeq = segmentLast;
      s.sealed = true;
      if (segmentLast < 0 || segmentLast <= acked) {
        delete(s);
        continue;
      }
      lastSeq = Math.max(lastSeq, segmentLast);
      segments.add(s);
    }
    nextSeq = lastSeq + 1;
    lastAppended = lastSeq;
    if (unacked > 0) {
      LOG.info("event journal {}: {} record(s) not yet acknowledged by Kafka are sent again", dir, unacked);
    }
    // The cursor skips what was acknowledged inside the first kept segment.
    Entry e;
    while ((e = next()) != null && e.seq() <= acked) {
      // skipped
    }
    if (e != null) {
      rewind(e);
    }
  }

  /** A spill file of the version before the journal: its records are appended, then the file is removed. */
  private void importLegacySpill() throws IOException {
    Path legacy = dir.resolve(LEGACY_SPILL_FILE);
    if (!Files.exists(legacy)) {
      return;
    }
    int imported = 0;
    for (String line : Files.readAllLines(legacy, StandardCharsets.UTF_8)) {
      int a = line.indexOf('\t');
      int b = a < 0 ? -1 : line.indexOf('\t', a + 1);
      if (b > 0) {
        append(line.substring(0, a), line.substring(a + 1, b), line.substring(b + 1).getBytes(StandardCharsets.UTF_8));
        imported++;
      }
    }
    sync();
    Files.delete(legacy);
    LOG.info("event journal {}: imported {} record(s) from the previous version's spill file", dir, imported);
  }

  // ---- helpers ----------------------------------------------------------------------------------------------------

  private Segment following(Segment seg) {
    boolean found = false;
    for (Segment s : segments) {
      if (found) {
        return s;
      }
      found = s == seg;
    }
    return found ? null : segments.peekFirst();
  }

  /** A decoded record and the length of its body. */
  private record Decoded(Entry entry, int bodyLength) {
  }

  /**
   * The record at {@code position}, or null when it is absent, torn or corrupt (reader thread and start-up). Reads
   * go through one buffer refilled with a single positional read of up to {@link #READ_CHUNK} bytes, so reading back
   * costs a system call per many records; the CRC is checked for segments left by a previous run (what this process
   * wrote and published is known to be whole).
   */
  private Decoded decode(Segment s, int position, int end) {
    try {
      ByteBuffer c = chunkAt(s, position, RECORD_HEADER, end);
      if (c == null) {
        return null;
      }
      int at = position - chunkStart;
      int length = c.getInt(at);
      if (length <= 6 || (long) position + RECORD_HEADER + length > end) {
        return null;
      }
      int crc = c.getInt(at + 4);
      long seq = c.getLong(at + 8);
      c = chunkAt(s, position, RECORD_HEADER + length, end);
      at = position - chunkStart;
      int bodyStart = at + RECORD_HEADER;
      if (s.recovered) {
        CRC32C check = new CRC32C();
        check.update(ByteBuffer.allocate(8).putLong(0, seq).array(), 0, 8);
        check.update(c.array(), bodyStart, length);
        if ((int) check.getValue() != crc) {
          return null;
        }
      }
      ByteBuffer body = c.duplicate().limit(bodyStart + length).position(bodyStart);
      int topicLength = body.getShort();
      if (topicLength < 0 || topicLength > body.remaining()) {
        return null;
      }
      String topic = utf8(body, topicLength);
      int keyLength = body.getInt();
      if (keyLength > body.remaining()) {
        return null;
      }
      String key = keyLength < 0 ? null : utf8(body, keyLength);
      byte[] value = new byte[body.remaining()];
      body.get(value);
      return new Decoded(new Entry(seq, topic, key, value, s, position), length);
    } catch (IOException e) {
      LOG.warn("cannot read the journal segment {} at {}: {}", s.file, position, e.getMessage());
      return null;
    }
  }

  /** The read buffer, holding at least {@code length} bytes of {@code s} from {@code position} (null past end). */
  private ByteBuffer chunkAt(Segment s, int position, int length, int end) throws IOException {
    if ((long) position + length > end) {
      return null;
    }
    if (chunkSegment == s && position >= chunkStart && position + length <= chunkStart + chunk.limit()) {
      return chunk;
    }
    if (chunk.capacity() < length) {
      chunk = ByteBuffer.allocate(length);
    }
    int wanted = Math.min(chunk.capacity(), end - position);
    ByteBuffer fill = chunk.clear().limit(wanted);
    readFully(s.channel, fill, position);
    chunk.flip();
    chunkSegment = s;
    chunkStart = position;
    return chunk;
  }

  private static String utf8(ByteBuffer body, int length) {
    byte[] bytes = new byte[length];
    body.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static MappedByteBuffer map(Path file, int bytes) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      if (raf.length() < bytes) {
        raf.setLength(bytes);
      }
      return raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, bytes);
    }
  }

  private static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      at += channel.write(buffer, at);
    }
  }

  private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, at);
      if (n < 0) {
        throw new IOException("end of file at " + at);
      }
      at += n;
    }
  }

  private static void delete(Segment s) {
    try {
      s.channel.close();
      Files.deleteIfExists(s.file);
    } catch (IOException e) {
      LOG.warn("cannot delete the acknowledged journal segment {}: {}", s.file, e.getMessage());
    }
  }

  /** One segment file, open for positional reads and writes until it is deleted. */
  static final class Segment {
    final Path file;
    final long index;
    final FileChannel channel;
    final int capacity;
    int written; // writers only, under the write lock
    volatile int committed;
    volatile long lastSeq = -1;
    volatile boolean sealed;
    boolean recovered; // left by a previous run: records are checked against their CRC when read
    Segment(Path file, long index, FileChannel channel, int capacity) {
      this.file = file;
      this.index = index;
      this.channel = channel;
      this.capacity = capacity;
    }
  }
}
