package dev.portico.admin;

import dev.portico.domain.model.CertificateOrigin;
import dev.portico.domain.model.ServedCertificate;
import dev.portico.domain.port.CertificateOutcome;
import dev.portico.domain.port.Change;
import dev.portico.domain.port.Deletion;
import dev.portico.domain.port.ManageCertificates;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/** Certificates in memory: an origin whose text mentions "expired" is refused as an expired certificate would be. */
final class FakeCertificates implements ManageCertificates {
    private final Map<String, CertificateOrigin> served = new ConcurrentSkipListMap<>();
    private long revision;

    @Override
    public List<ServedCertificate> certificates() {
        return served.entrySet().stream().map(e -> details(e.getKey(), e.getValue())).toList();
    }

    @Override
    public Optional<ServedCertificate> certificate(String name) {
        return Optional.ofNullable(served.get(name)).map(origin -> details(name, origin));
    }

    @Override
    public CertificateOutcome put(String name, CertificateOrigin origin, Change change) {
        if (origin.toString().contains("expired")) {
            return new CertificateOutcome.Refused(name, "expired", "the certificate CN=" + name + " expired");
        }
        boolean created = served.put(name, origin) == null;
        return new CertificateOutcome.Installed(details(name, origin), created);
    }

    @Override
    public synchronized Deletion delete(String name, Change change) {
        return served.remove(name) == null ? Deletion.NotFound.INSTANCE : new Deletion.Deleted(++revision);
    }

    @Override
    public CertificateOutcome reload(String name) {
        CertificateOrigin origin = served.get(name);
        return origin == null ? new CertificateOutcome.NotFound(name)
                : new CertificateOutcome.Installed(details(name, origin), false);
    }

    @Override
    public List<CertificateOutcome> reloadAll() {
        return served.keySet().stream().map(this::reload).toList();
    }

    private static ServedCertificate details(String name, CertificateOrigin origin) {
        return new ServedCertificate(name, "CN=" + name, List.of(name), List.of(name), "CN=Test CA",
                Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2036-01-01T00:00:00Z"), "1A2B",
                "AB:CD", "EC", 2, origin.describe());
    }
}
