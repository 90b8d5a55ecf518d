package dev.portico.http;

import dev.portico.http.wire.IpLiteral;
import dev.portico.http.wire.TrustedProxies;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProxySettingsTest {

    @Test
    void defaultsTrustNobodyAndWaitFiveSecondsForAConnection() {
        ProxySettings defaults = ProxySettings.defaults();

        assertThat(defaults.trustedProxies().isEmpty()).isTrue();
        assertThat(defaults.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.upstreamIdleTimeout()).isPositive();
        assertThat(defaults.httpsPort()).isEqualTo(443);
    }

    @Test
    void theHttpsPortForRedirectsMustBeAPort() {
        assertThat(ProxySettings.defaults().withHttpsPort(8443).httpsPort()).isEqualTo(8443);
        assertThatThrownBy(() -> ProxySettings.defaults().withHttpsPort(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("httpsPort");
        assertThatThrownBy(() -> ProxySettings.defaults().withHttpsPort(65536))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("httpsPort");
    }

    @Test
    void readsAddressesAndRangesOfBothFamiliesInCanonicalForm() {
        ProxySettings settings = ProxySettings.fromTrustedProxies(
                " 10.0.0.0/8, 127.0.0.1,::1 , 2001:DB8:0:0::/32, 192.168.1.77/24, ::ffff:172.16.0.0/108");

        assertThat(settings.trustedProxies().ranges()).containsExactly("10.0.0.0/8", "127.0.0.1/32", "::1/128",
                "2001:db8::/32", "192.168.1.0/24", "172.16.0.0/12");
    }

    @ParameterizedTest
    @CsvSource({
            "10.0.0.0/8, 10.255.3.4, true",
            "10.0.0.0/8, 11.0.0.1, false",
            "192.168.1.0/25, 192.168.1.127, true",
            "192.168.1.0/25, 192.168.1.128, false",
            "127.0.0.1, 127.0.0.1, true",
            "127.0.0.1, 127.0.0.2, false",
            "::1, ::1, true",
            "::1, 127.0.0.1, false",
            "2001:db8::/32, 2001:db8:ffff::1, true",
            "2001:db8::/32, 2001:db9::1, false",
            "0.0.0.0/0, 203.0.113.9, true",
            "10.0.0.0/8, ::ffff:10.1.2.3, true"})
    void tellsWhetherAClientAddressIsTrusted(String ranges, String client, boolean trusted) throws Exception {
        TrustedProxies proxies = TrustedProxies.parse(ranges);

        assertThat(proxies.contains(InetAddress.getByAddress(IpLiteral.parse(client)))).isEqualTo(trusted);
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "proxy.internal", "256.0.0.1", "10.0.0", "10.0.0.01", "1.2.3.4.5",
            "::1::2", "2001:db8::g", "1:2:3:4:5:6:7:8:9", "10.0.0.0/33", "::1/129", "10.0.0.0/", "10.0.0.0/-1",
            "fe80::1%eth0", "[::1]"})
    void rejectsAnEntryThatIsNotAnAddressLiteralOrRangeNamingIt(String entry) {
        assertThatThrownBy(() -> ProxySettings.fromTrustedProxies("10.0.0.0/8, " + entry))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + entry + "'");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // peer         | X-Forwarded-For entries             | client for the hash policy
            "203.0.113.9    | 198.51.100.1                        | 203.0.113.9",
            "10.0.0.1       |                                     | 10.0.0.1",
            "10.0.0.1       | 198.51.100.1                        | 198.51.100.1",
            "10.0.0.1       | 192.0.2.1; 198.51.100.1; 10.0.0.2    | 198.51.100.1",
            "10.0.0.1       | 10.0.0.3; 10.0.0.2                  | 10.0.0.3",
            "10.0.0.1       | 198.51.100.1:4711                   | 198.51.100.1",
            "10.0.0.1       | [2001:DB8::1]:4711                  | 2001:db8::1",
            "10.0.0.1       | ' 2001:db8::2 '                     | 2001:db8::2",
            "10.0.0.1       | 198.51.100.1; unknown; 10.0.0.2     | 10.0.0.2",
            "10.0.0.1       | ::ffff:198.51.100.7                 | 198.51.100.7",
            "::ffff:10.0.0.1 | 198.51.100.1                       | 198.51.100.1"})
    void behindATrustedProxyTheClientIsTheRightMostForwardedForAddressThatIsNotATrustedProxy(
            String peer, String forwardedFor, String client) throws Exception {
        TrustedProxies proxies = TrustedProxies.parse("10.0.0.0/8");
        List<String> entries = forwardedFor == null ? List.of() : List.of(forwardedFor.split(";"));

        assertThat(proxies.clientOf(InetAddress.getByAddress(IpLiteral.parse(peer)), entries)).isEqualTo(client);
    }

    @Test
    void refusesHostNamesWithoutLookingThemUp() {
        // a name that resolves (localhost) is refused like one that would not: no DNS decides trust
        assertThatThrownBy(() -> TrustedProxies.parse("localhost"))
                .hasMessage("trusted proxies: 'localhost' is not an IP address or CIDR range; use literals such as"
                        + " 10.0.0.0/8, 127.0.0.1 or ::1 (host names are not accepted)");
    }

    @Test
    void refusesAnEmptyEntry() {
        assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.1,,::1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty entry");
    }

    @Test
    void readsABlankListAsNoTrustedProxies() {
        assertThat(ProxySettings.fromTrustedProxies("  ").trustedProxies()).isEqualTo(TrustedProxies.none());
        assertThat(ProxySettings.fromTrustedProxies(null).trustedProxies().isEmpty()).isTrue();
    }

    @Test
    void refusesTimeoutsThatAreNotPositive() {
        assertThatThrownBy(() -> ProxySettings.defaults().withConnectTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connectTimeout");
        assertThatThrownBy(() -> ProxySettings.defaults().withUpstreamIdleTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("upstreamIdleTimeout");
    }

    @ParameterizedTest
    @CsvSource({
            "::1, ::1",
            "0:0:0:0:0:0:0:0, ::",
            "2001:0db8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
            "1:0:0:1:0:0:0:1, 1:0:0:1::1",
            "1:0:0:2:0:0:3:4, 1::2:0:0:3:4",
            "1:0:2:3:4:5:6:7, 1:0:2:3:4:5:6:7",
            "fe80::, fe80::",
            "::ffff:192.0.2.1, 192.0.2.1",
            "192.0.2.1, 192.0.2.1"})
    void writesClientAddressesInTheirShortestStandardForm(String literal, String written) throws Exception {
        assertThat(IpLiteral.format(InetAddress.getByAddress(IpLiteral.parse(literal)))).isEqualTo(written);
    }

    @Test
    void writesEachClientsOwnAddressWhenRecentOnesShareACacheSlot() throws Exception {
        // the text of recent IPv4 clients is kept by the address's last byte: these all land in one slot
        List<String> clients = List.of("10.0.0.1", "10.0.1.1", "192.168.7.1", "10.0.0.1", "172.16.200.1", "10.0.1.1");
        for (String client : clients) {
            assertThat(IpLiteral.format(InetAddress.getByAddress(IpLiteral.parse(client)))).isEqualTo(client);
        }
    }
}
