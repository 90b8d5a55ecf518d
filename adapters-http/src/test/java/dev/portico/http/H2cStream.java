package dev.portico.http;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/2 GET over h2c with prior knowledge on a bare socket: the preface, an empty SETTINGS, and a HEADERS frame
 * whose header block is written by hand (HPACK static-table names, literal values). Enough to hold a stream open and
 * read its answer, where the JDK's client would insist on an upgrade.
 */
final class H2cStream implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;

    private H2cStream(Socket socket) throws IOException {
        this.socket = socket;
        this.socket.setSoTimeout(20_000);
        this.in = new DataInputStream(socket.getInputStream());
    }

    static H2cStream get(int port, String path) throws IOException {
        H2cStream stream = new H2cStream(new Socket(InetAddress.getLoopbackAddress(), port));
        OutputStream out = stream.socket.getOutputStream();
        out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.write(frame(0x4, 0, 0, new byte[0]));
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        block.write(0x82); // :method GET
        block.write(0x86); // :scheme http
        literal(block, 0x04, path); // :path, without indexing
        literal(block, 0x01, "h"); // :authority
        out.write(frame(0x1, 0x5, 1, block.toByteArray())); // END_STREAM | END_HEADERS
        out.flush();
        return stream;
    }

    /** The DATA of stream 1 up to its end, acknowledging the server's SETTINGS on the way. */
    String responseData() throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        while (true) {
            int length = (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
            int type = in.readUnsignedByte();
            int flags = in.readUnsignedByte();
            int stream = in.readInt() & 0x7fffffff;
            byte[] payload = in.readNBytes(length);
            if (type == 0x4 && (flags & 0x1) == 0) {
                socket.getOutputStream().write(frame(0x4, 0x1, 0, new byte[0]));
            } else if (type == 0x0 && stream == 1) {
                data.write(payload);
                if ((flags & 0x1) != 0) {
                    return data.toString(StandardCharsets.UTF_8);
                }
            } else if ((type == 0x1 && stream == 1 && (flags & 0x1) != 0) || type == 0x7 || type == 0x3) {
                return data.toString(StandardCharsets.UTF_8);
            }
        }
    }

    private static void literal(ByteArrayOutputStream block, int nameIndex, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        block.write(nameIndex);
        block.write(bytes.length);
        block.writeBytes(bytes);
    }

    private static byte[] frame(int type, int flags, int stream, byte[] payload) {
        byte[] frame = new byte[9 + payload.length];
        frame[0] = (byte) (payload.length >>> 16);
        frame[1] = (byte) (payload.length >>> 8);
        frame[2] = (byte) payload.length;
        frame[3] = (byte) type;
        frame[4] = (byte) flags;
        frame[5] = (byte) (stream >>> 24);
        frame[6] = (byte) (stream >>> 16);
        frame[7] = (byte) (stream >>> 8);
        frame[8] = (byte) stream;
        System.arraycopy(payload, 0, frame, 9, payload.length);
        return frame;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
