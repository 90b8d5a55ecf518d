package dev.portico.admin;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;

/**
 * Answers what Helidon refuses before routing (a request line or header section over the listener's limits, a request
 * that is not HTTP/1.1) in the API's problem+json, as the routing's own error handling does for everything after.
 * Helidon closes the connection after each of these answers.
 */
final class UnreadableRequests implements DirectHandler {
    /**
     * Helidon 4.5's message for a header section over {@code maxHeadersSize} ({@code Http1HeadersParser}); it comes as
     * a plain 400, and RFC 6585's 431 says what is wrong. Seen only with the listener's {@code includeEntity}.
     */
    static final String HEADER_SIZE_EXCEEDED = "Header size exceeded";
    static final Status HEADER_FIELDS_TOO_LARGE_431 = Status.create(431, "Request Header Fields Too Large");

    private final AdminJson json;
    private final int maxRequestLine;
    private final int maxHeaderSection;

    UnreadableRequests(AdminJson json, int maxRequestLine, int maxHeaderSection) {
        this.json = json;
        this.maxRequestLine = maxRequestLine;
        this.maxHeaderSection = maxHeaderSection;
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status defaultStatus,
                                    ServerResponseHeaders responseHeaders, String message) {
        Problem problem = problem(eventType, defaultStatus, message);
        problem.headers().forEach(responseHeaders::set);
        responseHeaders.set(HeaderNames.CONTENT_TYPE, AdminJson.PROBLEM_JSON);
        return TransportResponse.builder()
                .status(problem.status())
                .headers(responseHeaders)
                .entity(json.encode(problem.json()))
                .keepAlive(eventType.keepAlive())
                .build();
    }

    /** Helidon's message is only recognised, never repeated: it may quote the request. */
    private Problem problem(EventType eventType, Status status, String message) {
        if (status.code() == Status.REQUEST_URI_TOO_LONG_414_CODE) {
            return Problem.of(status, "The request line reaches this listener's limit of " + maxRequestLine
                    + " bytes; no path of this API is that long. Nothing was read after it.");
        }
        if (eventType == EventType.BAD_REQUEST && HEADER_SIZE_EXCEEDED.equals(message)) {
            return Problem.of(HEADER_FIELDS_TOO_LARGE_431, "The request's header section is larger than "
                    + maxHeaderSection + " bytes. Nothing was read after it.");
        }
        if (status.code() == Status.REQUEST_ENTITY_TOO_LARGE_413_CODE) {
            return Problem.of(status, "The request body is larger than this listener takes; nothing was read.");
        }
        if (status.code() == Status.HTTP_VERSION_NOT_SUPPORTED_505_CODE) {
            return Problem.of(status, "This API speaks HTTP/1.1 only.");
        }
        if (status.code() >= 500) {
            return Problem.internalError();
        }
        return Problem.of(status, "The request could not be read as HTTP/1.1 (" + status.code() + " "
                + status.reasonPhrase() + "); nothing was done.");
    }
}
