package dev.portico.admin;

import dev.portico.domain.validation.FieldError;

import java.util.List;

/** A PUT body: the name is the path's to give; the body may repeat it, but not contradict it. */
interface NamedRequest {

    /** The name as the body states it; null when it leaves it out. */
    String name();

    default List<FieldError> nameErrors(String pathName) {
        if (name() == null || name().equals(pathName)) {
            return List.of();
        }
        return List.of(new FieldError("name", "is '" + name() + "' but the path names '" + pathName
                + "'; leave it out or make them the same (a rename is a PUT of the new name and a DELETE of the old)"));
    }
}
