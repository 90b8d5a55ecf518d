package dev.portico.admin;

import dev.portico.domain.model.ServedCertificate;

import java.time.Instant;
import java.util.List;

/** A certificate in service, as listed: what an operator checks before and after a renewal. Never key material. */
record CertificateJson(String name, String subject, List<String> subjectAlternativeNames, List<String> serverNames,
                       String issuer, String notBefore, String notAfter, long daysLeft, String serial,
                       String sha256Fingerprint, String keyType, int chainLength, String loadedFrom) {

    static CertificateJson of(ServedCertificate certificate, Instant now) {
        return new CertificateJson(certificate.name(), certificate.subject(), certificate.subjectAlternativeNames(),
                certificate.serverNames(), certificate.issuer(), certificate.notBefore().toString(),
                certificate.notAfter().toString(), certificate.daysLeft(now), certificate.serial(),
                certificate.sha256Fingerprint(), certificate.keyType(), certificate.chainLength(),
                certificate.loadedFrom());
    }
}
