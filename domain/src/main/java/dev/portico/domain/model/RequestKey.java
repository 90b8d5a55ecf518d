package dev.portico.domain.model;

import java.util.Objects;
import java.util.function.Function;

/**
 * What a balancer may know of a request to choose its target: the client's address and lookups of its headers and
 * cookies, given as functions so that the domain never sees the server's request type. Lookups answer null when
 * the request has no such header or cookie.
 *
 * @param clientAddress the client's IP address without port; null when unknown
 */
public record RequestKey(String clientAddress, Function<String, String> headers, Function<String, String> cookies) {
    private static final Function<String, String> NOTHING = name -> null;
    /** A request about which nothing is known: hash policies then pick at random. */
    public static final RequestKey NONE = new RequestKey(null, NOTHING, NOTHING);

    public RequestKey {
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(cookies, "cookies");
    }

    public static RequestKey ofClient(String clientAddress) {
        return new RequestKey(clientAddress, NOTHING, NOTHING);
    }

    public String header(String name) {
        return headers.apply(name);
    }

    public String cookie(String name) {
        return cookies.apply(name);
    }
}
