package dev.portico.app;

import dev.portico.domain.model.CertificateOrigin;
import dev.portico.domain.model.ServedCertificate;
import dev.portico.domain.port.CertificateOutcome;
import dev.portico.domain.port.ServeCertificates;
import dev.portico.http.tls.CertificateChange;
import dev.portico.http.tls.CertificateRegistry;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The domain's {@link ServeCertificates} port on the HTTPS listener's {@link CertificateRegistry}. */
final class RegistryCertificates implements ServeCertificates {
    private final CertificateRegistry registry;

    RegistryCertificates(CertificateRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public CertificateOutcome serve(String name, CertificateOrigin origin) {
        return outcome(registry.put(name, origin));
    }

    @Override
    public CertificateOutcome reload(String name) {
        return outcome(registry.reload(name));
    }

    @Override
    public void withdraw(String name) {
        registry.remove(name);
    }

    @Override
    public List<ServedCertificate> served() {
        return registry.list();
    }

    @Override
    public Optional<ServedCertificate> served(String name) {
        return registry.find(name);
    }

    static CertificateOutcome outcome(CertificateChange change) {
        return switch (change) {
            case CertificateChange.Installed installed ->
                    new CertificateOutcome.Installed(installed.details(), installed.replaced().isEmpty());
            case CertificateChange.Refused refused -> new CertificateOutcome.Refused(refused.name(),
                    refused.problem().code(), refused.problem().message());
            case CertificateChange.NotFound notFound -> new CertificateOutcome.NotFound(notFound.name());
        };
    }
}
