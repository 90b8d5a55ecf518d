package dev.portico.admin;

import dev.portico.domain.port.Precondition;
import dev.portico.domain.validation.FieldError;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerRequest;

import java.util.LinkedHashSet;
import java.util.List;
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
    private static final Pattern TAG = Pattern.compile("\\s*(W/)?\"([^\"]*)\"\\s*(,|$)");

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
     * The precondition a request states. {@code *} in If-Match means "must exist", in If-None-Match "must not";
     * otherwise each names ETags. Portico's ETags are strong and If-Match compares strongly (RFC 9110), so a weak
     * tag there could never match: it is refused as the client's mistake rather than answered with a 412.
     */
    static Decoded<Precondition> precondition(ServerRequest req) {
        List<String> ifMatch = req.headers().all(HeaderNames.IF_MATCH, List::of);
        List<String> ifNoneMatch = req.headers().all(HeaderNames.IF_NONE_MATCH, List::of);
        if (!ifMatch.isEmpty() && !ifNoneMatch.isEmpty()) {
            return refused(IF_MATCH, "cannot be combined with If-None-Match; use one of them");
        }
        if (!ifMatch.isEmpty()) {
            String value = String.join(",", ifMatch).strip();
            if (value.equals("*")) {
                return new Decoded.Ok<>(Precondition.MustExist.INSTANCE);
            }
            return revisions(IF_MATCH, value, false, Precondition.RevisionIn::new);
        }
        if (!ifNoneMatch.isEmpty()) {
            String value = String.join(",", ifNoneMatch).strip();
            if (value.equals("*")) {
                return new Decoded.Ok<>(Precondition.MustBeAbsent.INSTANCE);
            }
            return revisions(IF_NONE_MATCH, value, true, Precondition.RevisionNotIn::new);
        }
        return new Decoded.Ok<>(Precondition.Unconditional.INSTANCE);
    }

    /** The ETags listed in {@code value}, as the precondition {@code toPrecondition} makes of them. */
    private static Decoded<Precondition> revisions(String header, String value, boolean weakAllowed,
                                                   Function<Set<Long>, Precondition> toPrecondition) {
        Set<Long> revisions = new LinkedHashSet<>();
        Matcher matcher = TAG.matcher(value);
        int at = 0;
        while (at < value.length()) {
            if (!matcher.find(at) || matcher.start() != at) {
                return refused(header, "must be * or a list of ETags as Portico gives them, such as \"12\"");
            }
            if (matcher.group(1) != null && !weakAllowed) {
                return refused(header, "compares ETags strongly, so the weak " + matcher.group().replace(",", "").strip()
                        + " can never match; send the ETag as Portico gave it, such as \"12\"");
            }
            String tag = matcher.group(2);
            if (!tag.matches("[0-9]{1,18}")) {
                return refused(header, "names \"" + tag + "\", which is not an ETag Portico gives; they are"
                        + " revision numbers such as \"12\"");
            }
            revisions.add(Long.parseLong(tag));
            at = matcher.end();
        }
        return revisions.isEmpty()
                ? refused(header, "must be * or a list of ETags such as \"12\"")
                : new Decoded.Ok<>(toPrecondition.apply(revisions));
    }

    private static Decoded<Precondition> refused(String header, String message) {
        return new Decoded.Refused<>(Problem.badRequest("The " + header + " header " + message + "; nothing was changed.",
                List.of(new FieldError(header, message))));
    }
}
