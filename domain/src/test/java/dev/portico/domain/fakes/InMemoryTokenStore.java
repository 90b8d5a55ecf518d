package dev.portico.domain.fakes;

import dev.portico.domain.model.AdminToken;
import dev.portico.domain.port.TokenStore;

import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;

/** A TokenStore in memory, for tests of what sits on top of the port. */
public final class InMemoryTokenStore implements TokenStore {
    private final ConcurrentSkipListMap<String, AdminToken> tokens = new ConcurrentSkipListMap<>();

    @Override
    public List<AdminToken> tokens() {
        return List.copyOf(tokens.values());
    }

    @Override
    public void save(AdminToken token) {
        tokens.put(token.name(), token);
    }

    @Override
    public boolean saveIfAbsent(AdminToken token) {
        return tokens.putIfAbsent(token.name(), token) == null;
    }
}
