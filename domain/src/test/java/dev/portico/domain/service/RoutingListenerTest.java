package dev.portico.domain.service;

import dev.portico.domain.fakes.InMemoryConfigStore;
import dev.portico.domain.model.Configuration;
import dev.portico.domain.model.Route;
import dev.portico.domain.model.Upstream;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class RoutingListenerTest {

    @Test
    void aListenerHearsTheCurrentConfigurationAndEverySwapInRevisionOrder() {
        InMemoryConfigStore store = new InMemoryConfigStore();
        Routing routing = new Routing(store);
        ConfigurationService service = new ConfigurationService(store, routing);
        List<Long> heard = new CopyOnWriteArrayList<>();
        routing.onSwap(configuration -> heard.add(configuration.revision()));

        service.putUpstream("app", List.of(new Upstream.TargetSpec("http://127.0.0.1:9001", 1)));
        service.putRoute("api", new Route.RouteSpec(null, "/api/", "app", null, null, null));
        routing.refreshIfChanged();

        assertThat(heard).containsExactly(0L, 1L, 2L);
        assertThat(routing.current().configuration()).extracting(Configuration::revision).isEqualTo(2L);
    }
}
