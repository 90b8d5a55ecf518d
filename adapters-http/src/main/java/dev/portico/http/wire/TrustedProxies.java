package dev.portico.http.wire;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * IP addresses and CIDR ranges of the proxies in front of Portico. Only literals are accepted, never host
 * names: a trust decision must not depend on DNS, and parsing never performs a lookup.
 */
public final class TrustedProxies {
    private static final TrustedProxies NONE = new TrustedProxies(List.of());

    private final List<IpRange> ranges;

    private TrustedProxies(List<IpRange> ranges) {
        this.ranges = List.copyOf(ranges);
    }

    public static TrustedProxies none() {
        return NONE;
    }

    /**
     * Parses a comma-separated list of IPv4/IPv6 addresses and CIDR ranges; blank means none.
     *
     * @throws IllegalArgumentException naming the first entry that is not an address or range
     */
    public static TrustedProxies parse(String list) {
        if (list == null || list.isBlank()) {
            return NONE;
        }
        List<IpRange> ranges = new ArrayList<>();
        for (String raw : list.split(",", -1)) {
            String entry = raw.strip();
            if (entry.isEmpty()) {
                throw new IllegalArgumentException("trusted proxies: empty entry in '" + list
                        + "'; separate addresses and CIDR ranges with single commas");
            }
            ranges.add(IpRange.parse(entry));
        }
        return new TrustedProxies(ranges);
    }

    /** Whether the address lies in one of the ranges; an IPv4-mapped IPv6 address counts as its IPv4 address. */
    public boolean contains(InetAddress address) {
        if (ranges.isEmpty()) {
            return false;
        }
        return contains(IpLiteral.canonical(address.getAddress()));
    }

    private boolean contains(byte[] canonical) {
        for (IpRange range : ranges) {
            if (range.contains(canonical)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The address of the client a request comes from, as the hash policy's {@code client_ip} sees it: the TCP peer,
     * or, when the peer is a trusted proxy, the right-most X-Forwarded-For entry that is not a trusted proxy itself
     * (nginx's realip module with {@code real_ip_recursive on}): behind a load balancer, clients then spread over
     * the targets instead of all hashing as the load balancer. Entries may carry a port ({@code 203.0.113.7:4711},
     * {@code [2001:db8::1]:4711}); one that is not an IP address ends the walk at the hop after it, as nothing
     * before it can be believed.
     *
     * @param forwardedFor the X-Forwarded-For entries in the order they arrived, one address each
     */
    public String clientOf(InetAddress peer, List<String> forwardedFor) {
        byte[] client = IpLiteral.canonical(peer.getAddress());
        if (!contains(client)) {
            return IpLiteral.format(client);
        }
        for (int i = forwardedFor.size() - 1; i >= 0; i--) {
            byte[] hop = entryAddress(forwardedFor.get(i));
            if (hop == null) {
                break;
            }
            client = IpLiteral.canonical(hop);
            if (!contains(client)) {
                break;
            }
        }
        return IpLiteral.format(client);
    }

    private static byte[] entryAddress(String entry) {
        String text = entry.strip();
        if (text.startsWith("[")) {
            int end = text.indexOf(']');
            return end < 0 ? null : IpLiteral.parse(text.substring(1, end));
        }
        int colon = text.indexOf(':');
        if (colon > 0 && colon == text.lastIndexOf(':') && text.indexOf('.') > 0) {
            text = text.substring(0, colon);
        }
        return IpLiteral.parse(text);
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** The ranges in canonical CIDR form, e.g. {@code [10.0.0.0/8, 127.0.0.1/32, ::1/128]}. */
    public List<String> ranges() {
        return ranges.stream().map(IpRange::toString).toList();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TrustedProxies that && ranges.equals(that.ranges);
    }

    @Override
    public int hashCode() {
        return ranges.hashCode();
    }

    @Override
    public String toString() {
        return String.join(", ", ranges());
    }

    /** One CIDR range; a bare address is the range of its full length. Host bits of the base are cleared. */
    public record IpRange(byte[] base, int prefixLength) {
        public static IpRange parse(String entry) {
            int slash = entry.indexOf('/');
            String address = slash < 0 ? entry : entry.substring(0, slash);
            byte[] bytes = IpLiteral.parse(address);
            if (bytes == null) {
                throw new IllegalArgumentException("trusted proxies: '" + entry + "' is not an IP address or CIDR range;"
                        + " use literals such as 10.0.0.0/8, 127.0.0.1 or ::1 (host names are not accepted)");
            }
            int bits = bytes.length * 8;
            int prefix = bits;
            if (slash >= 0) {
                String length = entry.substring(slash + 1);
                prefix = length.matches("[0-9]{1,3}") ? Integer.parseInt(length) : -1;
                if (prefix < 0 || prefix > bits) {
                    throw new IllegalArgumentException("trusted proxies: '" + entry + "' has an invalid prefix length;"
                            + " use 0 to " + bits + " for an IPv" + (bytes.length == 4 ? 4 : 6) + " range");
                }
            }
            byte[] canonical = IpLiteral.canonical(bytes);
            if (canonical.length == 4 && bytes.length == 16) {
                // an IPv4-mapped range (::ffff:10.0.0.0/104) is the IPv4 range it maps: clients are matched that way
                if (prefix < 96) {
                    throw new IllegalArgumentException("trusted proxies: '" + entry + "' reaches beyond the"
                            + " IPv4-mapped addresses; use a prefix of at least 96, or an IPv4 range");
                }
                bytes = canonical;
                prefix -= 96;
            }
            return new IpRange(masked(bytes, prefix), prefix);
        }

        public boolean contains(byte[] address) {
            if (address.length != base.length) {
                return false;
            }
            int full = prefixLength / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != base[i]) {
                    return false;
                }
            }
            int rest = prefixLength % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (base[full] & mask);
        }

        private static byte[] masked(byte[] bytes, int prefix) {
            byte[] result = bytes.clone();
            for (int i = 0; i < result.length; i++) {
                int keep = Math.max(0, Math.min(8, prefix - i * 8));
                result[i] = (byte) (result[i] & ((0xff << (8 - keep)) & 0xff));
            }
            return result;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof IpRange that && prefixLength == that.prefixLength && Arrays.equals(base, that.base);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(base) + prefixLength;
        }

        @Override
        public String toString() {
            return IpLiteral.format(base) + "/" + prefixLength;
        }
    }
}
