package dev.portico.domain.model;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What an operator checks about a certificate in service (its leaf): never key material.
 *
 * @param serverNames the names SNI selects it by (lower case; wildcards as {@code *.example.com})
 * @param serial      upper-case hex, as {@code openssl x509 -serial} prints it
 * @param loadedFrom  where it was loaded from, in words
 */
public record ServedCertificate(String name, String subject, List<String> subjectAlternativeNames,
                                List<String> serverNames, String issuer, Instant notBefore, Instant notAfter,
                                String serial, String sha256Fingerprint, String keyType, int chainLength,
                                String loadedFrom) {
    public ServedCertificate {
        Objects.requireNonNull(name, "name");
        subjectAlternativeNames = List.copyOf(subjectAlternativeNames);
        serverNames = List.copyOf(serverNames);
    }

    /** Whole days from {@code now} until expiry; negative once expired. */
    public long daysLeft(Instant now) {
        return Duration.between(now, notAfter).toDays();
    }
}
