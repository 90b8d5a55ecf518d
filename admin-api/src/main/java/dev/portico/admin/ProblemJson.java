package dev.portico.admin;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * An error answer as RFC 9457 writes it. {@code errors} names each field at fault; {@code routes} lists the routes
 * that keep an upstream from being deleted; {@code code} says why a
 * certificate was refused (e.g. {@code expired}). Each is left out when they have nothing to say.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
record ProblemJson(String type, String title, int status, String detail,
                   List<FieldErrorJson> errors, List<String> routes, String code) {
}
