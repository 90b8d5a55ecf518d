package dev.portico.http.wire;

import java.net.InetAddress;
import java.util.Locale;

/**
 * IP address literals read and written without ever touching DNS: {@code InetAddress.getByName} resolves anything
 * that is not a literal, and {@code InetAddress.ofLiteral} needs Java 22.
 */
public final class IpLiteral {
    private IpLiteral() {
    }

    /** The address bytes (4 or 16) of an IPv4 or IPv6 literal, or {@code null} when {@code text} is not one. */
    public static byte[] parse(String text) {
        if (text.indexOf(':') >= 0) {
            return parseIpv6(text);
        }
        return parseIpv4(text);
    }

    /** IPv4-mapped IPv6 addresses ({@code ::ffff:10.0.0.1}) as the IPv4 address they carry; other addresses unchanged. */
    public static byte[] canonical(byte[] address) {
        if (address.length == 16) {
            for (int i = 0; i < 10; i++) {
                if (address[i] != 0) {
                    return address;
                }
            }
            if (address[10] == (byte) 0xff && address[11] == (byte) 0xff) {
                return new byte[] {address[12], address[13], address[14], address[15]};
            }
        }
        return address;
    }

    /**
     * The address as X-Forwarded-For carries it: dotted IPv4, or IPv6 in the RFC 5952 short form without brackets
     * or zone ({@code ::1} rather than Java's {@code 0:0:0:0:0:0:0:1%0}).
     */
    public static String format(InetAddress address) {
        byte[] bytes = canonical(address.getAddress());
        if (bytes.length != 4) {
            return format(bytes);
        }
        // every request writes its client's address into X-Forwarded-For, and a connection's requests come from one
        // address: the text of recent IPv4 clients is kept, by the address's last byte (a stale slot is just replaced)
        int bits = ((bytes[0] & 0xff) << 24) | ((bytes[1] & 0xff) << 16) | ((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff);
        Ipv4Text cached = RECENT_IPV4[bits & 0xff];
        if (cached != null && cached.bits() == bits) {
            return cached.text();
        }
        String text = format(bytes);
        RECENT_IPV4[bits & 0xff] = new Ipv4Text(bits, text);
        return text;
    }

    private record Ipv4Text(int bits, String text) {
    }

    /** Written and read without a lock: a slot holds a whole entry or another, never half of one. */
    private static final Ipv4Text[] RECENT_IPV4 = new Ipv4Text[256];

    /** The text form of 4 or 16 address bytes, as {@link #format(InetAddress)} writes it. */
    public static String format(byte[] address) {
        if (address.length == 4) {
            return (address[0] & 0xff) + "." + (address[1] & 0xff) + "." + (address[2] & 0xff) + "." + (address[3] & 0xff);
        }
        return formatIpv6(address);
    }

    private static String formatIpv6(byte[] bytes) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        // The longest run of two or more zero groups becomes "::"; the first one wins a tie (RFC 5952, 4.2).
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && groups[i] == 0) {
                i++;
            }
            if (i - start > bestLength) {
                bestStart = start;
                bestLength = i - start;
            }
        }
        StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!text.isEmpty() && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    private static byte[] parseIpv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] address = new byte[4];
        for (int i = 0; i < 4; i++) {
            int value = decimalOctet(parts[i]);
            if (value < 0) {
                return null;
            }
            address[i] = (byte) value;
        }
        return address;
    }

    /** 0 to 255 without leading zeros (which some parsers read as octal), or -1. */
    private static int decimalOctet(String part) {
        if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value <= 255 ? value : -1;
    }

    private static byte[] parseIpv6(String text) {
        String literal = text.toLowerCase(Locale.ROOT);
        int doubleColon = literal.indexOf("::");
        if (doubleColon >= 0 && literal.indexOf("::", doubleColon + 1) >= 0) {
            return null;
        }
        String head = doubleColon >= 0 ? literal.substring(0, doubleColon) : literal;
        String tail = doubleColon >= 0 ? literal.substring(doubleColon + 2) : "";
        int[] headGroups = groups(head, doubleColon < 0);
        int[] tailGroups = doubleColon >= 0 ? groups(tail, true) : new int[0];
        if (headGroups == null || tailGroups == null) {
            return null;
        }
        int count = headGroups.length + tailGroups.length;
        if (doubleColon >= 0 ? count > 7 : count != 8) {
            return null;
        }
        byte[] address = new byte[16];
        for (int i = 0; i < headGroups.length; i++) {
            address[2 * i] = (byte) (headGroups[i] >> 8);
            address[2 * i + 1] = (byte) headGroups[i];
        }
        int offset = 8 - tailGroups.length;
        for (int i = 0; i < tailGroups.length; i++) {
            address[2 * (offset + i)] = (byte) (tailGroups[i] >> 8);
            address[2 * (offset + i) + 1] = (byte) tailGroups[i];
        }
        return address;
    }

    /**
     * The 16-bit groups of a colon-separated run; the last group may be a dotted IPv4 address (two groups) when
     * {@code mayEndInIpv4}. An empty run has no groups.
     */
    private static int[] groups(String run, boolean mayEndInIpv4) {
        if (run.isEmpty()) {
            return new int[0];
        }
        String[] parts = run.split(":", -1);
        int[] values = new int[parts.length + 1];
        int n = 0;
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (i == parts.length - 1 && mayEndInIpv4 && part.indexOf('.') >= 0) {
                byte[] v4 = parseIpv4(part);
                if (v4 == null) {
                    return null;
                }
                values[n++] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
                values[n++] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
                continue;
            }
            if (part.isEmpty() || part.length() > 4) {
                return null;
            }
            int value = 0;
            for (int j = 0; j < part.length(); j++) {
                int digit = Character.digit(part.charAt(j), 16);
                if (digit < 0) {
                    return null;
                }
                value = (value << 4) | digit;
            }
            values[n++] = value;
        }
        int[] result = new int[n];
        System.arraycopy(values, 0, result, 0, n);
        return result;
    }
}
