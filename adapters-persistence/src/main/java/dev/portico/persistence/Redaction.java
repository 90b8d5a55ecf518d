package dev.portico.persistence;

import java.util.regex.Pattern;

/** Keeps passwords out of messages and logs, wherever a JDBC URL may carry one. */
final class Redaction {
    // PostgreSQL takes ?password=..., H2 takes ;PASSWORD=...; some drivers accept //user:secret@host.
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)(password=)[^&;]*");
    private static final Pattern USER_INFO = Pattern.compile("(//[^/:@]*:)[^/@]*@");

    private Redaction() {
    }

    static String url(String jdbcUrl) {
        String withoutParameter = PASSWORD_PARAMETER.matcher(jdbcUrl).replaceAll("$1***");
        return USER_INFO.matcher(withoutParameter).replaceAll("$1***@");
    }
}
