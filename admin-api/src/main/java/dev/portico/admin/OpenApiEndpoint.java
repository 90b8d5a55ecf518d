package dev.portico.admin;

import dev.portico.domain.model.TokenScope;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** {@code GET /v1/openapi.json}: the hand-written OpenAPI 3.1 document that describes this API. */
final class OpenApiEndpoint implements Endpoint {
    static final String PATH = "/v1/openapi.json";
    static final String RESOURCE = "openapi.json";

    private final byte[] document = load();

    @Override
    public List<Operation> operations() {
        return List.of(new Operation(Method.GET, PATH, TokenScope.READ, this::document));
    }

    private void document(ServerRequest req, ServerResponse res) {
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, AdminJson.JSON);
        res.send(document);
    }

    static byte[] load() {
        try (InputStream in = OpenApiEndpoint.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the admin API's " + RESOURCE + " is missing from its jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}
