package io.gradreg.metrics;

import io.gradreg.store.Database;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Metrics configuration (application.properties, or the environment variable in parentheses).
 *
 * <pre>
 *   gradreg.metrics.host             (GRADREG_METRICS_HOST)             address of /q/metrics         127.0.0.1
 *   gradreg.metrics.port             (GRADREG_METRICS_PORT)             its port; taken: the next free
 *                                                                       one (see MetricsServer); 0: any  9494
 *   gradreg.metrics.pushgateway-url  (GRADREG_METRICS_PUSHGATEWAY_URL)  push there too when set          unset
 *   gradreg.metrics.push-interval    (GRADREG_METRICS_PUSH_INTERVAL)    time between pushes              10s
 *   gradreg.metrics.push-group       (GRADREG_METRICS_PUSH_GROUP)       a stable group (instance) that
 *                                                                       each execution replaces; unset:
 *                                                                       one group per execution          unset
 * </pre>
 */
@ApplicationScoped
public class MetricsSettings {

    @ConfigProperty(name = "gradreg.metrics.host", defaultValue = "127.0.0.1")
    String host;

    @ConfigProperty(name = "gradreg.metrics.port", defaultValue = "9494")
    int port;

    @ConfigProperty(name = "gradreg.metrics.pushgateway-url")
    Optional<String> pushgatewayUrl;

    @ConfigProperty(name = "gradreg.metrics.push-interval", defaultValue = "10s")
    Duration pushInterval;

    @ConfigProperty(name = "gradreg.metrics.push-group")
    Optional<String> pushGroup;

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public Duration pushInterval() {
        return pushInterval;
    }

    /** The stable Pushgateway group that replaces one execution's metrics with the next's, if set. */
    public Optional<String> pushGroup() {
        return pushGroup == null ? Optional.empty() : pushGroup.map(String::strip).filter(g -> !g.isEmpty());
    }

    /** The Pushgateway's base URL, if pushing is configured. */
    public Optional<URI> pushgateway() {
        return pushgatewayUrl.filter(u -> !u.isBlank()).map(MetricsSettings::parseUrl);
    }

    /** Fails with a message naming the setting when a value is unusable; called before a job starts. */
    public void check() {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("gradreg.metrics.port (GRADREG_METRICS_PORT) must be a port number "
                    + "from 0 (any free port) to 65535, was " + port);
        }
        if (pushInterval.isNegative() || pushInterval.isZero()) {
            throw new IllegalArgumentException("gradreg.metrics.push-interval (GRADREG_METRICS_PUSH_INTERVAL) must "
                    + "be positive, e.g. 10s, was " + pushInterval);
        }
        try {
            InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("gradreg.metrics.host (GRADREG_METRICS_HOST) must be an address of this "
                    + "machine, e.g. 0.0.0.0 (every interface) or 127.0.0.1; unknown host '" + host + "'");
        }
        pushgateway();
    }

    static URI parseUrl(String url) {
        URI uri;
        try {
            uri = URI.create(url.strip());
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null || uri.getHost() == null
                || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            throw new IllegalArgumentException("gradreg.metrics.pushgateway-url (GRADREG_METRICS_PUSHGATEWAY_URL) must "
                    + "be an http(s) URL such as http://localhost:9091, was '" + Database.mask(url) + "'");
        }
        return uri;
    }
}
