package dev.portico.admin;

import dev.portico.domain.model.AdminToken;

/** A token as listed: never its secret, nor the secret's hash. */
record TokenJson(String name, String scope, String createdAt) {

    static TokenJson of(AdminToken token) {
        return new TokenJson(token.name(), token.scope().label(), token.createdAt().toString());
    }
}
