package dev.portico.domain.model;

import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;

/** An admin API token as stored: its secret only as a SHA-256 hash (hex), never in clear. */
public record AdminToken(String name, String sha256Hex, TokenScope scope, Instant createdAt) {
    public AdminToken {
        ResourceName.require(name);
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(createdAt, "createdAt");
        if (sha256Hex == null || sha256Hex.length() != 64) {
            throw new IllegalArgumentException("sha256Hex must be 64 hex digits");
        }
        HexFormat.of().parseHex(sha256Hex);
    }
}
