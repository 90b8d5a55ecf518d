package dev.portico.domain.model;

import java.time.Duration;
import java.util.Objects;

/**
 * The Strict-Transport-Security policy a route announces on responses sent over TLS (RFC 6797).
 *
 * @param maxAge            how long browsers must use HTTPS only; zero tells them to forget the policy
 * @param includeSubDomains the policy covers every subdomain of the host too
 * @param preload           the host asks to be built into browsers' preload lists (hstspreload.org)
 */
public record Hsts(Duration maxAge, boolean includeSubDomains, boolean preload) {
    public static final long MAX_AGE_LIMIT_SECONDS = 10L * 365 * 24 * 3600;
    /** hstspreload.org refuses a shorter max-age for a preloaded host. */
    public static final long PRELOAD_MIN_AGE_SECONDS = 31_536_000;

    public Hsts {
        Objects.requireNonNull(maxAge, "maxAge");
        if (maxAge.isNegative() || maxAge.toSeconds() > MAX_AGE_LIMIT_SECONDS || maxAge.toNanos() % 1_000_000_000 != 0) {
            throw new IllegalArgumentException("HSTS max-age must be whole seconds, 0 to " + MAX_AGE_LIMIT_SECONDS);
        }
    }

    /** The header's value, e.g. {@code max-age=31536000; includeSubDomains; preload}. */
    public String headerValue() {
        return "max-age=" + maxAge.toSeconds() + (includeSubDomains ? "; includeSubDomains" : "")
                + (preload ? "; preload" : "");
    }
}
