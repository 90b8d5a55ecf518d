package dev.portico.admin;

import dev.portico.domain.model.CertificateOrigin;
import dev.portico.domain.model.ServedCertificate;
import dev.portico.domain.port.CertificateOutcome;
import dev.portico.domain.port.Change;
import dev.portico.domain.port.Deletion;
import dev.portico.domain.port.ManageCertificates;

import java.util.List;
import java.util.Optional;

/** For an API wired without HTTPS: no certificates, and every attempt to add one refused with the reason. */
enum NoCertificates implements ManageCertificates {
    INSTANCE;

    @Override
    public List<ServedCertificate> certificates() {
        return List.of();
    }

    @Override
    public Optional<ServedCertificate> certificate(String name) {
        return Optional.empty();
    }

    @Override
    public CertificateOutcome put(String name, CertificateOrigin origin, Change change) {
        return new CertificateOutcome.Refused(name, "no-https", "this Portico has no HTTPS listener");
    }

    @Override
    public Deletion delete(String name, Change change) {
        return Deletion.NotFound.INSTANCE;
    }

    @Override
    public CertificateOutcome reload(String name) {
        return new CertificateOutcome.NotFound(name);
    }

    @Override
    public List<CertificateOutcome> reloadAll() {
        return List.of();
    }
}
