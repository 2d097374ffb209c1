package io.onegate.gateway.relay;

import java.nio.charset.StandardCharsets;

/**
 * Reads one part of a multipart/form-data body without decoding the others: a small text field (the audio
 * {@code model}) or the bytes of the uploaded {@code file}. Pure; returns null when the part is absent or the body
 * is malformed.
 */
final class Multipart {
  private Multipart() {
  }

  /** The text of the field {@code name}. */
  static String field(byte[] body, String contentType, String name) {
    byte[] value = part(body, contentType, name);
    return value == null ? null : new String(value, StandardCharsets.UTF_8);
  }

  /** The bytes of the part {@code name} (a field's value or a file's content). */
  static byte[] part(byte[] bytes, String contentType, String name) {
    String boundary = boundary(contentType);
    if (boundary == null) {
      return null;
    }
    byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    byte[] headerEnd = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    byte[] marker = ("name=\"" + name + "\"").getBytes(StandardCharsets.ISO_8859_1);
    int pos = indexOf(bytes, delimiter, 0);
    while (pos >= 0) {
      int headersStart = pos + delimiter.length;
      int headersEnd = indexOf(bytes, headerEnd, headersStart);
      if (headersEnd < 0) {
        return null;
      }
      int next = indexOf(bytes, delimiter, headersEnd + 4);
      if (next < 0) {
        return null;
      }
      int nameAt = indexOf(bytes, marker, headersStart);
      if (nameAt >= 0 && nameAt < headersEnd) {
        int valueEnd = next - 2; // the CRLF before the delimiter
        int valueStart = headersEnd + 4;
        return valueEnd >= valueStart ? java.util.Arrays.copyOfRange(bytes, valueStart, valueEnd) : new byte[0];
      }
      pos = next;
    }
    return null;
  }

  static String boundary(String contentType) {
    int i = contentType.toLowerCase(java.util.Locale.ROOT).indexOf("boundary=");
    if (i < 0) {
      return null;
    }
    String b = contentType.substring(i + 9);
    int semi = b.indexOf(';');
    if (semi >= 0) {
      b = b.substring(0, semi);
    }
    b = b.trim();
    if (b.length() >= 2 && b.startsWith("\"") && b.endsWith("\"")) {
      b = b.substring(1, b.length() - 1);
    }
    return b.isEmpty() ? null : b;
  }

  private static int indexOf(byte[] hay, byte[] needle, int from) {
    outer:
    for (int i = Math.max(0, from); i <= hay.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
