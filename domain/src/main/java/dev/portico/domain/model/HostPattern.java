package dev.portico.domain.model;

import dev.portico.domain.validation.Errors;

import java.net.IDN;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A host a route answers for: an exact name ({@code example.com}) or a wildcard ({@code *.example.org}) that
 * matches any name ending in {@code .example.org}, however many labels stand before it (as nginx does).
 * Stored lower-case and in ASCII (IDNA) form.
 */
public record HostPattern(String value) {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?");

    public HostPattern {
        if (!isValidPattern(value)) {
            throw new IllegalArgumentException("invalid host pattern: " + value);
        }
    }

    /** Checks a host as an operator wrote it; unicode names are accepted and turned into their xn-- form. */
    public static HostPattern parse(String field, String raw, Errors errors) {
        if (raw == null || raw.isBlank()) {
            errors.add(field, "must be a host name such as example.com or *.example.com");
            return null;
        }
        String candidate = raw.strip().toLowerCase(Locale.ROOT);
        if (candidate.endsWith(".")) {
            candidate = candidate.substring(0, candidate.length() - 1);
        }
        try {
            boolean wildcard = candidate.startsWith("*.");
            String ascii = IDN.toASCII(wildcard ? candidate.substring(2) : candidate, IDN.USE_STD3_ASCII_RULES);
            candidate = (wildcard ? "*." : "") + ascii.toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            errors.add(field, "'" + raw + "' is not a valid host name: " + e.getMessage());
            return null;
        }
        if (!isValidPattern(candidate)) {
            errors.add(field, "'" + raw + "' is not a valid host name; use names like example.com or *.example.com"
                    + " (a wildcard only as the whole first label, no port, no scheme)");
            return null;
        }
        return new HostPattern(candidate);
    }

    private static boolean isValidPattern(String value) {
        if (value == null || value.isEmpty() || value.length() > 253) {
            return false;
        }
        String name = value.startsWith("*.") ? value.substring(2) : value;
        if (name.isEmpty()) {
            return false;
        }
        for (String label : name.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    public boolean isWildcard() {
        return value.startsWith("*.");
    }

    /** For a wildcard, the part after {@code *}: {@code .example.org}. */
    public String suffix() {
        return isWildcard() ? value.substring(1) : value;
    }

    /** Whether a normalised request host (lower-case, no port, no trailing dot) matches. */
    public boolean matches(String host) {
        return isWildcard() ? host.length() > value.length() - 1 && host.endsWith(suffix()) : host.equals(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
