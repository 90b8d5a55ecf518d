package dev.portico.domain.model;

import dev.portico.domain.validation.Errors;

import java.util.regex.Pattern;

/** Names of routes and upstreams: what scripts use in URLs, so they stay URL- and shell-safe. */
public final class ResourceName {
    public static final int MAX_LENGTH = 100;
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private ResourceName() {
    }

    public static boolean isValid(String name) {
        return name != null && VALID.matcher(name).matches();
    }

    /** Adds an error for {@code field} unless {@code name} is a valid resource name. */
    public static void check(String field, String name, Errors errors) {
        if (name == null || name.isEmpty()) {
            errors.add(field, "is required");
        } else if (!isValid(name)) {
            errors.add(field, "must be 1 to " + MAX_LENGTH
                    + " characters of letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
    }

    static String require(String name) {
        if (!isValid(name)) {
            throw new IllegalArgumentException("invalid resource name: " + name);
        }
        return name;
    }
}
