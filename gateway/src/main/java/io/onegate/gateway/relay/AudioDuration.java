package io.onegate.gateway.relay;

import java.nio.charset.StandardCharsets;

/**
 * The playing time of an uploaded audio file, read from its container's header without decoding it: WAV (the
 * {@code fmt } byte rate and the {@code data} size), FLAC (STREAMINFO: total samples / sample rate), MP3 (the
 * Xing/Info or VBRI frame count, else the first frame's bitrate over the audio's size), Ogg Opus and Vorbis (the
 * last page's granule position / the sample rate), MP4/M4A (the {@code mvhd} duration / timescale). 0 when the
 * format is not one of these (WebM, raw PCM …) or the header is unreadable. Pure; never throws.
 */
final class AudioDuration {
  private static final int[][] MP3_KBPS = {
      {0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448},   // MPEG-1 layer I
      {0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384},      // MPEG-1 layer II
      {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320},       // MPEG-1 layer III
      {0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256},      // MPEG-2/2.5 layer I
      {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160}};          // MPEG-2/2.5 layers II, III
  private static final int[][] MP3_RATES = {{11025, 12000, 8000}, {0, 0, 0}, {22050, 24000, 16000},
      {44100, 48000, 32000}};

  private AudioDuration() {
  }

  /** Seconds of audio in {@code file}, or 0 when unknown. */
  static double seconds(byte[] file) {
    try {
      double s;
      if (startsWith(file, 0, "RIFF") && startsWith(file, 8, "WAVE")) {
        s = wav(file);
      } else if (startsWith(file, 0, "fLaC")) {
        s = flac(file);
      } else if (startsWith(file, 0, "OggS")) {
        s = ogg(file);
      } else if (startsWith(file, 4, "ftyp")) {
        s = mp4(file);
      } else {
        s = mp3(file);
      }
      return Double.isFinite(s) && s > 0 ? s : 0;
    } catch (RuntimeException malformed) {
      return 0;
    }
  }

  private static double wav(byte[] b) {
    long byteRate = 0;
    int pos = 12;
    while (pos + 8 <= b.length) {
      long size = le32(b, pos + 4);
      if (startsWith(b, pos, "fmt ")) {
        byteRate = le32(b, pos + 16);
      } else if (startsWith(b, pos, "data")) {
        long available = b.length - (pos + 8L);
        return byteRate == 0 ? 0 : (double) Math.min(size, available) / byteRate;
      }
      pos += 8 + (int) size + (int) (size & 1);
    }
    return 0;
  }

  private static double flac(byte[] b) {
    int pos = 4;
    while (pos + 4 <= b.length) {
      int type = b[pos] & 0x7F;
      int length = ((b[pos + 1] & 0xFF) << 16) | ((b[pos + 2] & 0xFF) << 8) | (b[pos + 3] & 0xFF);
      if (type == 0) {
        int d = pos + 4;
        int rate = ((b[d + 10] & 0xFF) << 12) | ((b[d + 11] & 0xFF) << 4) | ((b[d + 12] & 0xFF) >> 4);
        long samples = ((long) (b[d + 13] & 0x0F) << 32) | be32(b, d + 14);
        return rate == 0 ? 0 : (double) samples / rate;
      }
      if ((b[pos] & 0x80) != 0) {
        return 0;
      }
      pos += 4 + length;
    }
    return 0;
  }

  private static double ogg(byte[] b) {
    int packet = 27 + (b[26] & 0xFF);
    double rate;
    long preSkip = 0;
    if (startsWith(b, packet, "OpusHead")) {
      rate = 48_000;
      preSkip = le16(b, packet + 10);
    } else if (b[packet] == 1 && startsWith(b, packet + 1, "vorbis")) {
      rate = le32(b, packet + 12);
    } else {
      return 0;
    }
    for (int pos = b.length - 27; pos >= 0; pos--) {
      if (startsWith(b, pos, "OggS")) {
        long granule = le32(b, pos + 6) | (le32(b, pos + 10) << 32);
        return (granule - preSkip) / rate;
      }
    }
    return 0;
  }

  private static double mp4(byte[] b) {
    int moov = box(b, 0, b.length, "moov");
    if (moov < 0) {
      return 0;
    }
    int mvhd = box(b, moov + 8, moov + (int) be32(b, moov), "mvhd");
    if (mvhd < 0) {
      return 0;
    }
    int d = mvhd + 8;
    boolean v1 = b[d] == 1;
    long timescale = v1 ? be32(b, d + 20) : be32(b, d + 12);
    long duration = v1 ? (be32(b, d + 24) << 32) | be32(b, d + 28) : be32(b, d + 16);
    return timescale == 0 ? 0 : (double) duration / timescale;
  }

  /** Offset of the first box of {@code type} among the sibling boxes in [from, to), or -1. */
  private static int box(byte[] b, int from, int to, String type) {
    int pos = from;
    while (pos + 8 <= Math.min(to, b.length)) {
      long size = be32(b, pos);
      if (startsWith(b, pos + 4, type)) {
        return pos;
      }
      if (size == 1) {
        size = (be32(b, pos + 8) << 32) | be32(b, pos + 12);
      } else if (size == 0) {
        return -1;
      }
      if (size < 8 || pos + size > Integer.MAX_VALUE) {
        return -1;
      }
      pos += (int) size;
    }
    return -1;
  }

  private static double mp3(byte[] b) {
    int start = 0;
    if (startsWith(b, 0, "ID3")) {
      int size = ((b[6] & 0x7F) << 21) | ((b[7] & 0x7F) << 14) | ((b[8] & 0x7F) << 7) | (b[9] & 0x7F);
      start = 10 + size + ((b[5] & 0x10) != 0 ? 10 : 0);
    }
    int end = b.length >= 128 && startsWith(b, b.length - 128, "TAG") ? b.length - 128 : b.length;
    for (int pos = start; pos + 4 <= end && pos < start + 64 * 1024; pos++) {
      if ((b[pos] & 0xFF) != 0xFF || (b[pos + 1] & 0xE0) != 0xE0) {
        continue;
      }
      int version = (b[pos + 1] >> 3) & 3;   // 3 MPEG-1, 2 MPEG-2, 0 MPEG-2.5
      int layer = (b[pos + 1] >> 1) & 3;     // 3 layer I, 2 layer II, 1 layer III
      int bitrateIndex = (b[pos + 2] >> 4) & 0x0F;
      int rateIndex = (b[pos + 2] >> 2) & 3;
      if (version == 1 || layer == 0 || bitrateIndex == 0 || bitrateIndex == 15 || rateIndex == 3) {
        continue;
      }
      boolean mpeg1 = version == 3;
      int table = mpeg1 ? 3 - layer : (layer == 3 ? 3 : 4);
      int kbps = MP3_KBPS[table][bitrateIndex];
      int rate = MP3_RATES[version][rateIndex];
      int samplesPerFrame = layer == 3 ? 384 : (layer == 1 && !mpeg1 ? 576 : 1152);
      boolean mono = ((b[pos + 3] >> 6) & 3) == 3;
      int xing = pos + 4 + (mpeg1 ? (mono ? 17 : 32) : (mono ? 9 : 17));
      if ((startsWith(b, xing, "Xing") || startsWith(b, xing, "Info")) && (be32(b, xing + 4) & 1) != 0) {
        return (double) be32(b, xing + 8) * samplesPerFrame / rate;
      }
      if (startsWith(b, pos + 36, "VBRI")) {
        return (double) be32(b, pos + 36 + 14) * samplesPerFrame / rate;
      }
      return (end - pos) * 8.0 / (kbps * 1000.0);
    }
    return 0;
  }

  private static boolean startsWith(byte[] b, int at, String ascii) {
    byte[] tag = ascii.getBytes(StandardCharsets.ISO_8859_1);
    if (at < 0 || at + tag.length > b.length) {
      return false;
    }
    for (int i = 0; i < tag.length; i++) {
      if (b[at + i] != tag[i]) {
        return false;
      }
    }
    return true;
  }

  private static long le16(byte[] b, int at) {
    return (b[at] & 0xFFL) | ((b[at + 1] & 0xFFL) << 8);
  }

  private static long le32(byte[] b, int at) {
    return (b[at] & 0xFFL) | ((b[at + 1] & 0xFFL) << 8) | ((b[at + 2] & 0xFFL) << 16) | ((b[at + 3] & 0xFFL) << 24);
  }

  private static long be32(byte[] b, int at) {
    return ((b[at] & 0xFFL) << 24) | ((b[at + 1] & 0xFFL) << 16) | ((b[at + 2] & 0xFFL) << 8) | (b[at + 3] & 0xFFL);
  }
}
