package dev.portico.domain.model;

import java.util.Objects;

/** A certificate resource as stored: the name it is served and managed under, and where it comes from. */
public record NamedCertificate(String name, CertificateOrigin origin) {
    public NamedCertificate {
        ResourceName.require(name);
        Objects.requireNonNull(origin, "origin");
    }
}
