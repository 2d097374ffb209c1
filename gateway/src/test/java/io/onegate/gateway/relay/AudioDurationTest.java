package io.onegate.gateway.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Durations read from container headers, on files built byte by byte after each format's specification. */
class AudioDurationTest {

  @Test
  void wavIsTheDataSizeOverTheByteRateAfterAnyOtherChunks() {
    ByteBuffer fmt = le(16).putShort((short) 1).putShort((short) 1).putInt(16_000).putInt(32_000)
        .putShort((short) 2).putShort((short) 16);
    byte[] file = concat(ascii("RIFF"), le(4).putInt(0).array(), ascii("WAVE"),
        chunk("fmt ", fmt.array()), chunk("LIST", new byte[6]), chunk("data", new byte[96_000]));
    assertThat(AudioDuration.seconds(file)).isEqualTo(3.0); // 96000 bytes at 32000 bytes/s
  }

  @Test
  void flacIsTheTotalSamplesOverTheSampleRate() {
    byte[] info = new byte[34];
    int rate = 44_100;
    long samples = 441_000;
    info[10] = (byte) (rate >> 12);
    info[11] = (byte) (rate >> 4);
    info[12] = (byte) ((rate & 0x0F) << 4 | 0x02);     // + channels-1 = 1 in the low bits
    info[13] = (byte) (0xF0 | (samples >> 32) & 0x0F);  // bits per sample - 1 = 15 in the high bits
    ByteBuffer.wrap(info, 14, 4).putInt((int) samples);
    byte[] file = concat(ascii("fLaC"), new byte[] {(byte) 0x80, 0, 0, 34}, info, new byte[100]);
    assertThat(AudioDuration.seconds(file)).isEqualTo(10.0);
  }

  @Test
  void constantBitrateMp3IsItsSizeOverTheFirstFramesBitrateAfterTheId3Tag() {
    byte[] id3 = concat(ascii("ID3"), new byte[] {4, 0, 0, 0, 0, 0, 10}, new byte[10]);
    byte[] audio = new byte[32_000];
    audio[0] = (byte) 0xFF;
    audio[1] = (byte) 0xFB;  // MPEG-1 layer III
    audio[2] = (byte) 0x90;  // 128 kbit/s, 44.1 kHz
    audio[3] = (byte) 0x64;  // joint stereo
    assertThat(AudioDuration.seconds(concat(id3, audio))).isEqualTo(2.0); // 32000 bytes at 16000 bytes/s
  }

  @Test
  void variableBitrateMp3IsItsXingFrameCount() {
    byte[] audio = new byte[4_000];
    audio[0] = (byte) 0xFF;
    audio[1] = (byte) 0xFB;
    audio[2] = (byte) 0x90;
    audio[3] = (byte) 0x64;
    byte[] xing = concat(ascii("Xing"), new byte[] {0, 0, 0, 1}, new byte[] {0, 0, 0, 100});
    System.arraycopy(xing, 0, audio, 4 + 32, xing.length); // after the stereo side information
    assertThat(AudioDuration.seconds(audio)).isCloseTo(100 * 1152 / 44_100.0, within(1e-9));
  }

  @Test
  void oggOpusIsTheLastGranuleLessThePreSkipAt48Khz() {
    byte[] head = concat(ascii("OpusHead"), new byte[] {1, 1}, le(2).putShort((short) 312).array(),
        le(4).putInt(16_000).array(), new byte[3]);
    byte[] first = oggPage(0, head);
    byte[] last = oggPage(48_000L * 5 + 312, new byte[40]);
    assertThat(AudioDuration.seconds(concat(first, new byte[500], last))).isEqualTo(5.0);
  }

  @Test
  void mp4IsTheMovieHeadersDurationOverItsTimescale() {
    ByteBuffer mvhd = ByteBuffer.allocate(100);
    mvhd.putInt(0).putInt(0).putInt(0).putInt(1000).putInt(7500); // version 0, times, timescale, duration
    byte[] file = concat(box("ftyp", concat(ascii("M4A "), new byte[4])), box("free", new byte[12]),
        box("moov", box("mvhd", mvhd.array())));
    assertThat(AudioDuration.seconds(file)).isEqualTo(7.5);
  }

  @Test
  void unknownFormatsAndBrokenHeadersAreZeroNeverAnError() {
    assertThat(AudioDuration.seconds(new byte[] {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3, 0, 0})).isZero(); // WebM
    assertThat(AudioDuration.seconds(Arrays.copyOf(ascii("RIFF...WAVEfmt "), 15))).isZero();
    assertThat(AudioDuration.seconds(ascii("fLaC"))).isZero();
    assertThat(AudioDuration.seconds(concat(ascii("OggS"), new byte[30]))).isZero();
    assertThat(AudioDuration.seconds(new byte[0])).isZero();
    assertThat(AudioDuration.seconds("just some text, not audio".getBytes(StandardCharsets.UTF_8))).isZero();
  }

  private static byte[] oggPage(long granule, byte[] packet) {
    return concat(ascii("OggS"), new byte[] {0, 2}, le(8).putLong(granule).array(), new byte[12],
        new byte[] {1, (byte) packet.length}, packet);
  }

  private static byte[] chunk(String id, byte[] data) {
    return concat(ascii(id), le(4).putInt(data.length).array(), data);
  }

  private static byte[] box(String type, byte[] content) {
    return concat(ByteBuffer.allocate(4).putInt(8 + content.length).array(), ascii(type), content);
  }

  private static ByteBuffer le(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
