package dev.portico.domain.model;

import dev.portico.domain.model.Route.RouteSpec;
import dev.portico.domain.model.Upstream.TargetSpec;
import dev.portico.domain.validation.FieldError;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.portico.domain.Outcomes.errors;
import static dev.portico.domain.Outcomes.valid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigurationSpecTest {

    static List<TargetSpec> targets(String... urls) {
        return java.util.Arrays.stream(urls).map(url -> new TargetSpec(url, null)).toList();
    }

    static RouteSpec route(String prefix, String upstream) {
        return new RouteSpec(null, prefix, upstream, null, null, null);
    }

    @Test
    void aValidDocumentBecomesItsUpstreamsAndRoutesSortedByName() {
        ConfigurationSpec spec = ConfigurationSpec.ofTargets(
                Map.of("users", targets("http://a:1"), "orders", targets("http://b:1", "http://c:1")),
                Map.of("web", route("/", "users"), "api", route("/api/", "orders")));

        ConfigurationContent content = valid(spec.parse());

        assertThat(content.upstreams()).extracting(Upstream::name).containsExactly("orders", "users");
        assertThat(content.routes()).extracting(Route::name).containsExactly("api", "web");
        assertThat(content.routes().getFirst().upstream()).isEqualTo("orders");
    }

    @Test
    void anEmptyDocumentIsValidAndMeansNothingStored() {
        ConfigurationContent content = valid(ConfigurationSpec.ofTargets(Map.of(), Map.of()).parse());

        assertThat(content.upstreams()).isEmpty();
        assertThat(content.routes()).isEmpty();
    }

    @Test
    void everyErrorIsNamedByItsPathInTheDocumentAtOnce() {
        Map<String, List<TargetSpec>> upstreams = new LinkedHashMap<>();
        upstreams.put("app", targets("ftp://a", "http://b:1"));
        upstreams.put("bad name", targets("http://c:1"));
        upstreams.put("empty", List.of());
        upstreams.put("nothing", null);
        Map<String, RouteSpec> routes = new HashMap<>();
        routes.put("api", route("api/", "app"));
        routes.put("lost", route("/lost/", "ghost"));
        routes.put("null", null);

        List<FieldError> errors = errors(ConfigurationSpec.ofTargets(upstreams, routes).parse());

        assertThat(errors).extracting(FieldError::field).containsExactly(
                "upstreams.app.targets[0].url",
                "upstreams.bad name",
                "upstreams.empty.targets",
                "upstreams.nothing",
                "routes.api.pathPrefix",
                "routes.lost.upstream",
                "routes.null");
        assertThat(errors.get(5).message()).contains("'ghost'", "does not define");
    }

    @Test
    void aRouteMayUseAnUpstreamOfTheDocumentThatIsInvalidWithoutASecondError() {
        List<FieldError> errors = errors(ConfigurationSpec.ofTargets(
                Map.of("app", targets("ftp://a")), Map.of("api", route("/", "app"))).parse());

        assertThat(errors).extracting(FieldError::field).containsExactly("upstreams.app.targets[0].url");
    }

    @Test
    void missingMapsAreErrorsRatherThanEmptyOnes() {
        List<FieldError> errors = errors(new ConfigurationSpec(null, null).parse());

        assertThat(errors).extracting(FieldError::field).containsExactly("upstreams", "routes");
        assertThat(errors.getFirst().message()).contains("{}");
    }

    @Test
    void contentRefusesDanglingRoutesAndRepeatedNames() {
        Upstream app = new Upstream("app", List.of(new Target("http", "a", 1, "", 1)));
        Route api = new Route("api", List.of(), "/", "app", false, false, Route.DEFAULT_TIMEOUT);
        Route lost = new Route("lost", List.of(), "/", "ghost", false, false, Route.DEFAULT_TIMEOUT);

        assertThat(new ConfigurationContent(List.of(app), List.of(api)).routes()).containsExactly(api);
        assertThatThrownBy(() -> new ConfigurationContent(List.of(app), List.of(lost)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ConfigurationContent(List.of(app, app), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ConfigurationContent(List.of(app), List.of(api, api)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anEmptyNameIsShownQuotedSoThatThePathStillNamesIt() {
        List<FieldError> errors = errors(ConfigurationSpec.ofTargets(
                Map.of("", targets("http://a:1")), Map.of("", route("/", "app"))).parse());

        assertThat(errors).extracting(FieldError::field).containsExactly("upstreams.\"\"", "routes.\"\"");
        assertThat(errors.getFirst().message()).isEqualTo("is required");
    }

    @Test
    void blankNamesAndControlCharactersAreShownQuotedAndEscaped() {
        assertThat(ConfigurationSpec.shown("app")).isEqualTo("app");
        assertThat(ConfigurationSpec.shown("bad name")).isEqualTo("bad name");
        assertThat(ConfigurationSpec.shown(" ")).isEqualTo("\" \"");
        assertThat(ConfigurationSpec.shown("a\u0007\"b")).isEqualTo("\"a\\u0007\\\"b\"");
    }
}
