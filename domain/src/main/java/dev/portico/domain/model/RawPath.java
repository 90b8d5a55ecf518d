package dev.portico.domain.model;

/**
 * Rules about request paths as clients send them (raw, percent-encoded). Routes match raw paths as plain prefixes,
 * so a path with dot-segments could match one route and, once the upstream resolves the dots, reach another
 * ({@code /public/../admin}). Real clients remove dot-segments before sending (RFC 3986, 5.2.4); Portico refuses
 * paths that still have them rather than guess how each upstream would resolve them.
 */
public final class RawPath {
    private RawPath() {
    }

    /**
     * Whether the path has a {@code .} or {@code ..} segment, also when the dots or the slashes around them are
     * percent-encoded ({@code %2e}, {@code %2f}) or written as backslashes, which some servers take for slashes.
     */
    public static boolean hasDotSegment(String rawPath) {
        if (rawPath.indexOf('.') < 0 && rawPath.indexOf('%') < 0) {
            return false; // the common case costs two scans and no allocation
        }
        String path = decodeSeparatorsAndDots(rawPath);
        int start = 0;
        while (start <= path.length()) {
            int end = path.indexOf('/', start);
            if (end < 0) {
                end = path.length();
            }
            int length = end - start;
            if ((length == 1 && path.charAt(start) == '.')
                    || (length == 2 && path.charAt(start) == '.' && path.charAt(start + 1) == '.')) {
                return true;
            }
            start = end + 1;
        }
        return false;
    }

    private static String decodeSeparatorsAndDots(String rawPath) {
        StringBuilder out = new StringBuilder(rawPath.length());
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c == '%' && i + 2 < rawPath.length()) {
                String hex = rawPath.substring(i + 1, i + 3);
                if (hex.equalsIgnoreCase("2e")) {
                    out.append('.');
                    i += 2;
                    continue;
                }
                if (hex.equalsIgnoreCase("2f") || hex.equalsIgnoreCase("5c")) {
                    out.append('/');
                    i += 2;
                    continue;
                }
            }
            out.append(c == '\\' ? '/' : c);
        }
        return out.toString();
    }
}
