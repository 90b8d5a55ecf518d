package dev.portico.admin;

import dev.portico.domain.port.Precondition;
import dev.portico.domain.validation.FieldError;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerRequest;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Versions as HTTP shows them: a resource's ETag is the configuration revision at which it was last written, as a
 * strong tag ({@code "12"}); the whole configuration's is its revision. {@code If-Match} and {@code If-None-Match}
 * become the domain's {@link Precondition}, which the store checks inside the write's transaction.
 */
final class ETags {
    static final String IF_MATCH = "If-Match";
    static final String IF_NONE_MATCH = "If-None-Match";
    /** The revision at which a write is committed and live, on every 2xx answer to a write. */
    static final String REVISION_HEADER = "Portico-Revision";
    /**
     * RFC 9110's entity-tag: {@code W/} (in capitals) for a weak one, then an opaque tag of visible characters other
     * than the double quote, or obs-text. Helidon reads header values as US-ASCII, so an obs-text byte arrives as
     * U+FFFD.
     */
    private static final Pattern ENTITY_TAG = Pattern.compile("(W/)?\"([\\x21\\x23-\\x7E\\x80-\\xFF\\uFFFD]*)\"");
    /** The opaque tags of the ETags Portico gives: revisions, in decimal without leading zeros. */
    private static final Pattern REVISION = Pattern.compile("0|[1-9][0-9]{0,18}");

    private ETags() {
    }

    static Header etag(long revision) {
        return HeaderValues.create(HeaderNames.ETAG, quoted(revision));
    }

    static Header revision(long revision) {
        return HeaderValues.create(REVISION_HEADER, Long.toString(revision));
    }

    static String quoted(long revision) {
        return "\"" + revision + "\"";
    }

    /**
     * The precondition a request states, compared as RFC 9110 section 13.1 says. {@code *} in If-Match means "must
     * exist", in If-None-Match "must not". Otherwise each is a list of entity tags: If-Match holds when one of them
     * is the resource's ETag by strong comparison (a weak tag never is), If-None-Match when none of them is by weak
     * comparison. A well-formed tag that Portico never gives ({@code "stale"}, {@code "007"}) matches nothing: If-Match
     * with only such tags is a 412 like a stale ETag, not a mistake in the request. Only a header that is not a list of
     * entity tags at all is refused (400).
     */
    static Precondition precondition(ServerRequest req) {
        List<String> ifMatch = req.headers().all(HeaderNames.IF_MATCH, List::of);
        List<String> ifNoneMatch = req.headers().all(HeaderNames.IF_NONE_MATCH, List::of);
        if (!ifMatch.isEmpty() && !ifNoneMatch.isEmpty()) {
            throw refused(IF_MATCH, "cannot be combined with If-None-Match; use one of them");
        }
        if (!ifMatch.isEmpty()) {
            String value = String.join(",", ifMatch).strip();
            if (value.equals("*")) {
                return Precondition.MustExist.INSTANCE;
            }
            return revisions(IF_MATCH, value, false, Precondition.RevisionIn::new);
        }
        if (!ifNoneMatch.isEmpty()) {
            String value = String.join(",", ifNoneMatch).strip();
            if (value.equals("*")) {
                return Precondition.MustBeAbsent.INSTANCE;
            }
            return revisions(IF_NONE_MATCH, value, true, Precondition.RevisionNotIn::new);
        }
        return Precondition.Unconditional.INSTANCE;
    }

    /**
     * The revisions that the entity tags listed in {@code value} can match, as the precondition {@code toPrecondition}
     * makes of them: a tag matches a revision when it is exactly the ETag Portico gives for it, or, under weak
     * comparison, its weak form.
     */
    private static Precondition revisions(String header, String value, boolean weakComparison,
                                          Function<Set<Long>, Precondition> toPrecondition) {
        Set<Long> revisions = new LinkedHashSet<>();
        Matcher tag = ENTITY_TAG.matcher(value);
        int tags = 0;
        int at = 0;
        while (true) {
            // A list may hold empty elements, which a recipient ignores (RFC 9110 section 5.6.1.2).
            at = skip(value, at, ", \t");
            if (at == value.length()) {
                break;
            }
            if (!tag.region(at, value.length()).lookingAt()) {
                throw refused(header, "must be * or a list of entity tags such as \"12\" (each in double quotes,"
                        + " optionally W/ before the quotes), separated by commas");
            }
            tags++;
            boolean weak = tag.group(1) != null;
            OptionalLong revision = revision(tag.group(2));
            if (revision.isPresent() && (weakComparison || !weak)) {
                revisions.add(revision.getAsLong());
            }
            at = skip(value, tag.end(), " \t");
            if (at < value.length() && value.charAt(at) != ',') {
                throw refused(header, "must be a list of entity tags separated by commas");
            }
        }
        // An empty list is allowed by the grammar, but it is what a script sends when its variable was never set.
        if (tags == 0) {
            throw refused(header, "must be * or a list of entity tags such as \"12\"; it names none");
        }
        return toPrecondition.apply(revisions);
    }

    /** The revision whose ETag has the opaque tag {@code tag}, if Portico could have given it. */
    private static OptionalLong revision(String tag) {
        if (!REVISION.matcher(tag).matches()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(tag));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static int skip(String value, int from, String characters) {
        int at = from;
        while (at < value.length() && characters.indexOf(value.charAt(at)) >= 0) {
            at++;
        }
        return at;
    }

    private static ProblemException refused(String header, String message) {
        return new ProblemException(Problem.badRequest("The " + header + " header " + message + "; nothing was changed.",
                List.of(new FieldError(header, message))));
    }
}
