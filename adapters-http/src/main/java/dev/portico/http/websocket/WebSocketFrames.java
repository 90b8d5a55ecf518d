package dev.portico.http.websocket;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where frames end in one direction of a WebSocket byte stream (RFC 6455, 5.2), without touching the bytes: the relay
 * copies them as they come and asks only whether it stands between two frames, the one place where Portico may put a
 * close frame of its own. Header bytes are counted as they pass, so a header split across reads is fine.
 */
public final class WebSocketFrames {
    /** Bytes of the current frame's header seen so far; 0 between frames. */
    private int headerSeen;
    /** The header's length once its second byte is known; 2 until then. */
    private int headerLength = 2;
    private int lengthCode;
    /** The extended payload length as it is read, then the payload bytes still to come. */
    private long payloadLeft;
    private boolean inPayload;

    /**
     * Consumes {@code bytes[from, to)} up to the end of the current frame at most.
     *
     * @return how many bytes were consumed: all of them, or fewer when a frame ends before {@code to}
     */
    public int consume(byte[] bytes, int from, int to) {
        int at = from;
        while (at < to) {
            if (inPayload) {
                int take = (int) Math.min(payloadLeft, to - at);
                at += take;
                payloadLeft -= take;
                if (payloadLeft == 0) {
                    inPayload = false;
                    return at - from;
                }
                continue;
            }
            byte b = bytes[at++];
            if (headerSeen == 1) {
                boolean masked = (b & 0x80) != 0;
                lengthCode = b & 0x7f;
                headerLength = 2 + (lengthCode == 126 ? 2 : lengthCode == 127 ? 8 : 0) + (masked ? 4 : 0);
                payloadLeft = lengthCode < 126 ? lengthCode : 0;
            } else if (headerSeen >= 2 && headerSeen < 2 + extendedLengthBytes()) {
                payloadLeft = (payloadLeft << 8) | (b & 0xff);
            }
            headerSeen++;
            if (headerSeen >= 2 && headerSeen == headerLength) {
                headerSeen = 0;
                headerLength = 2;
                if (payloadLeft == 0) {
                    return at - from;
                }
                inPayload = true;
            }
        }
        return at - from;
    }

    private int extendedLengthBytes() {
        return lengthCode == 126 ? 2 : lengthCode == 127 ? 8 : 0;
    }

    /** Whether the bytes consumed so far end with a whole frame (or none was seen yet). */
    public boolean atBoundary() {
        return headerSeen == 0 && !inPayload;
    }

    /** A close frame as a server sends it: unmasked. */
    public static byte[] serverClose(int code, String reason) {
        return close(code, reason, false);
    }

    /** A close frame as a client must send it: masked with a fresh key (RFC 6455, 5.3). */
    public static byte[] clientClose(int code, String reason) {
        return close(code, reason, true);
    }

    private static byte[] close(int code, String reason, boolean masked) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        // a control frame's payload is at most 125 bytes: the code and a short reason
        int length = 2 + Math.min(text.length, 123);
        byte[] frame = new byte[2 + (masked ? 4 : 0) + length];
        frame[0] = (byte) 0x88;
        frame[1] = (byte) ((masked ? 0x80 : 0) | length);
        int payload = 2;
        byte[] key = new byte[4];
        if (masked) {
            ThreadLocalRandom.current().nextBytes(key);
            System.arraycopy(key, 0, frame, 2, 4);
            payload = 6;
        }
        frame[payload] = (byte) (code >> 8);
        frame[payload + 1] = (byte) code;
        System.arraycopy(text, 0, frame, payload + 2, length - 2);
        for (int i = 0; i < length; i++) {
            frame[payload + i] ^= key[i & 3];
        }
        return frame;
    }
}
