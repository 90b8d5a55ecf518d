package dev.portico.admin;

import dev.portico.domain.model.CertificateOrigin;
import dev.portico.domain.validation.FieldError;

import java.util.ArrayList;
import java.util.List;

/**
 * The body of {@code PUT /v1/certificates/{name}}: exactly one pair, {@code certFile} and {@code keyFile} (paths
 * Portico reads, e.g. certbot's live/&lt;name&gt;/fullchain.pem and privkey.pem) or {@code certPem} and
 * {@code keyPem} (the PEM text itself).
 */
record CertificateRequest(String certFile, String keyFile, String certPem, String keyPem) {

    /** Without the key: a record's default toString would put it into logs. */
    @Override
    public String toString() {
        return "CertificateRequest[certFile=" + certFile + ", keyFile=" + keyFile + ", certPem="
                + (certPem == null ? "none" : certPem.length() + " chars") + ", keyPem=(hidden)]";
    }

    /** The origin this request names; refused naming the fields at fault. */
    CertificateOrigin origin() {
        boolean files = certFile != null || keyFile != null;
        boolean inline = certPem != null || keyPem != null;
        List<FieldError> errors = new ArrayList<>();
        if (files && inline) {
            errors.add(new FieldError(Problem.BODY, "must give either certFile and keyFile, or certPem and keyPem,"
                    + " not both"));
        } else if (!files && !inline) {
            errors.add(new FieldError(Problem.BODY, "must give certFile and keyFile, or certPem and keyPem"));
        } else if (files) {
            required("certFile", certFile, CertificateOrigin.MAX_PATH_LENGTH, errors);
            required("keyFile", keyFile, CertificateOrigin.MAX_PATH_LENGTH, errors);
        } else {
            required("certPem", certPem, CertificateOrigin.MAX_PEM_LENGTH, errors);
            required("keyPem", keyPem, CertificateOrigin.MAX_PEM_LENGTH, errors);
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(AdminJson.invalid(errors));
        }
        return files
                ? new CertificateOrigin.Files(certFile, keyFile)
                : new CertificateOrigin.Inline(certPem, keyPem);
    }

    private static void required(String field, String value, int maxLength, List<FieldError> errors) {
        if (value == null || value.isBlank()) {
            errors.add(new FieldError(field, "is required with the other field of its pair"));
        } else if (value.length() > maxLength) {
            errors.add(new FieldError(field, "must be at most " + maxLength + " characters"));
        }
    }
}
