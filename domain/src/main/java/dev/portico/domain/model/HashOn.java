package dev.portico.domain.model;

import dev.portico.domain.model.RequestKey;

import java.util.Optional;

/** What the {@code hash} policy hashes: {@code client_ip}, {@code header:<Name>} or {@code cookie:<name>}. */
public sealed interface HashOn {
    int MAX_NAME_LENGTH = 256;

    /** The request's value to hash, or null when the request has none (the balancer then picks at random). */
    String keyOf(RequestKey key);

    /** The form the JSON and the store use. */
    String label();

    HashOn CLIENT_IP = new ClientIp();

    /** The client's address, without port. */
    record ClientIp() implements HashOn {
        @Override
        public String keyOf(RequestKey key) {
            return key.clientAddress();
        }

        @Override
        public String label() {
            return "client_ip";
        }
    }

    /** A request header's value (the first when repeated). */
    record Header(String name) implements HashOn {
        @Override
        public String keyOf(RequestKey key) {
            return key.header(name);
        }

        @Override
        public String label() {
            return "header:" + name;
        }
    }

    /** A cookie's value. */
    record Cookie(String name) implements HashOn {
        @Override
        public String keyOf(RequestKey key) {
            return key.cookie(name);
        }

        @Override
        public String label() {
            return "cookie:" + name;
        }
    }

    /** Parses a label; empty when it is not one of the three forms or names an invalid header or cookie. */
    static Optional<HashOn> ofLabel(String label) {
        if (label == null) {
            return Optional.empty();
        }
        if (label.equals("client_ip")) {
            return Optional.of(CLIENT_IP);
        }
        if (label.startsWith("header:") && isToken(label.substring(7))) {
            return Optional.of(new Header(label.substring(7)));
        }
        if (label.startsWith("cookie:") && isToken(label.substring(7))) {
            return Optional.of(new Cookie(label.substring(7)));
        }
        return Optional.empty();
    }

    /** An HTTP token (RFC 9110): what both header and cookie names must be. */
    private static boolean isToken(String name) {
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
