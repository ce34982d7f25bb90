package io.lifeboat.cli;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * Shows record bytes to people: {@code null}, or a quoted, escaped string when the bytes are UTF-8 text,
 * or {@code base64:...} otherwise. Long values are shortened unless asked for in full.
 */
public final class RecordText {

    private static final int SHORT_LIMIT = 64;

    private RecordText() {
    }

    /** The full bytes: {@code null}, {@code "text"} or {@code base64:...}. */
    public static String format(byte[] bytes) {
        if (bytes == null) {
            return "null";
        }
        String text = utf8(bytes);
        return text != null && isPrintable(text) ? quote(text) : "base64:" + Base64.getEncoder().encodeToString(bytes);
    }

    /** Like {@link #format} but shortened for messages, with the length when cut. */
    public static String describe(byte[] bytes) {
        if (bytes == null) {
            return "null";
        }
        if (bytes.length <= SHORT_LIMIT) {
            return format(bytes);
        }
        byte[] head = Arrays.copyOf(bytes, SHORT_LIMIT);
        String shown = format(head);
        return shown + "... (" + bytes.length + " bytes)";
    }

    /** A Java-style quoted string with control and non-printable characters escaped. */
    public static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Text worth showing as text: at most a few control characters (which get escaped). */
    private static boolean isPrintable(String text) {
        long controls = text.chars().filter(c -> Character.isISOControl(c) && c != '\n' && c != '\t' && c != '\r').count();
        return controls * 10 <= text.length();
    }
}
