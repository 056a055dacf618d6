package io.gradreg.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MetricsSettingsTest {

    private static MetricsSettings settings(int port, String url) {
        MetricsSettings s = new MetricsSettings();
        s.host = "0.0.0.0";
        s.port = port;
        s.pushgatewayUrl = Optional.ofNullable(url);
        s.pushInterval = Duration.ofSeconds(10);
        return s;
    }

    @Test
    void aPushgatewayUrlMustBeHttpAndItsMessageNamesTheSetting() {
        assertEquals(Optional.of(URI.create("http://pg:9091")), settings(9494, "http://pg:9091").pushgateway());
        assertEquals(Optional.empty(), settings(9494, " ").pushgateway());
        var e = assertThrows(IllegalArgumentException.class, () -> settings(9494, "pg:9091").check());
        assertEquals("gradreg.metrics.pushgateway-url (GRADREG_METRICS_PUSHGATEWAY_URL) must be an http(s) URL such as "
                + "http://localhost:9091, was 'pg:9091'", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> settings(9494, "http://bad host/").check());
    }

    @Test
    void aPortOutsideTheRangeIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> settings(70000, null).check());
        assertEquals("gradreg.metrics.port (GRADREG_METRICS_PORT) must be a port number from 0 (any free port) to 65535, "
                + "was 70000", e.getMessage());
        settings(0, null).check();
    }

    @Test
    void anUnknownHostIsRefused() {
        MetricsSettings s = settings(9494, null);
        s.host = "no-such-host.invalid";
        var e = assertThrows(IllegalArgumentException.class, s::check);
        assertEquals("gradreg.metrics.host (GRADREG_METRICS_HOST) must be an address of this machine, e.g. 0.0.0.0 "
                + "(every interface) or 127.0.0.1; unknown host 'no-such-host.invalid'", e.getMessage());
    }
}
