package dev.portico.admin;

import dev.portico.domain.validation.FieldError;

import java.util.List;

/**
 * A resource in a request body: the name is the path's (or the map key's) to give; the body may repeat it, but not
 * contradict it.
 */
interface NamedRequest {

    /** The name as the body states it; null when it leaves it out. */
    String name();

    /** @param path where this body sits in the document, with a trailing dot ({@code upstreams.app.}), or empty */
    default List<FieldError> nameErrors(String path, String givenName) {
        if (name() == null || name().equals(givenName)) {
            return List.of();
        }
        return List.of(new FieldError(path + "name", "is '" + name() + "' but " + (path.isEmpty() ? "the path names '"
                : "its key is '") + givenName + "'; leave it out or make them the same (a rename is a PUT of the new"
                + " name and a DELETE of the old)"));
    }
}
