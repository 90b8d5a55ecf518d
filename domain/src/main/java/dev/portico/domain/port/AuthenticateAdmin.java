package dev.portico.domain.port;

import dev.portico.domain.model.AdminToken;

import java.util.Optional;

/** Inbound port of the admin API: which stored token, if any, a presented bearer secret belongs to. */
public interface AuthenticateAdmin {

    Optional<AdminToken> authenticate(String presentedSecret);
}
