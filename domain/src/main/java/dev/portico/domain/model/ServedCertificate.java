package dev.portico.domain.model;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What an operator checks about a certificate in service (its leaf), before and after a renewal. Never key material,
 * so it can go into logs and listings as it is.
 *
 * @param name                    the name the certificate is registered under (certbot: the lineage name)
 * @param subject                 the leaf's subject, RFC 2253 (e.g. {@code CN=example.com})
 * @param subjectAlternativeNames the leaf's DNS subject alternative names, as written in the certificate
 * @param serverNames             the names SNI selects it by (lower case; wildcards as {@code *.example.com}): its DNS
 *                                subject alternative names, or its common name when it has none
 * @param issuer                  the leaf's issuer, RFC 2253
 * @param serial                  the leaf's serial number in upper-case hex, as {@code openssl x509 -serial} prints it
 * @param sha256Fingerprint       SHA-256 of the leaf's DER, upper-case hex pairs joined by colons, as openssl prints it
 * @param keyType                 the key algorithm the JDK names it by: {@code RSA} or {@code EC}
 * @param chainLength             certificates in the chain, leaf included
 * @param loadedFrom              where it was loaded from, in words ({@link CertificateOrigin#describe()})
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
