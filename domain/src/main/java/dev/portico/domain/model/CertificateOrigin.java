package dev.portico.domain.model;

import java.util.Objects;

/**
 * Where a stored certificate and its private key come from: two PEM files Portico reads (certbot's
 * {@code fullchain.pem} and {@code privkey.pem}) or PEM text sent to the admin API. Never printed with its key.
 */
public sealed interface CertificateOrigin {
    /** The most PEM text one part (chain or key) may have: the column's size (V4 schema). */
    int MAX_PEM_LENGTH = 100_000;
    /** The longest file path kept (V4 schema). */
    int MAX_PATH_LENGTH = 4096;

    /** For the audit log and listings: never key material. */
    String describe();

    /** PEM files, read again on every reload so that a renewal is picked up. */
    record Files(String certFile, String keyFile) implements CertificateOrigin {
        public Files {
            Objects.requireNonNull(certFile, "certFile");
            Objects.requireNonNull(keyFile, "keyFile");
        }

        @Override
        public String describe() {
            return "files " + certFile + " and " + keyFile;
        }
    }

    /** PEM text held in the store, so that Portico needs no access to certbot's keys. */
    record Inline(String certPem, String keyPem) implements CertificateOrigin {
        public Inline {
            Objects.requireNonNull(certPem, "certPem");
            Objects.requireNonNull(keyPem, "keyPem");
        }

        @Override
        public String describe() {
            return "inline PEM";
        }

        /** Without the key: a record's default toString would put it into logs. */
        @Override
        public String toString() {
            return "Inline[certPem=" + certPem.length() + " chars, keyPem=(hidden)]";
        }
    }
}
