package dev.portico.admin;

import dev.portico.domain.model.AdminToken;

/** A token just created, with its secret: the only answer that ever shows it. */
record NewTokenJson(String name, String scope, String createdAt, String token) {

    static NewTokenJson of(AdminToken token, String secret) {
        return new NewTokenJson(token.name(), token.scope().label(), token.createdAt().toString(), secret);
    }

    @Override
    public String toString() {
        return "NewTokenJson[name=" + name + ", scope=" + scope + ", token=<hidden>]";
    }
}
